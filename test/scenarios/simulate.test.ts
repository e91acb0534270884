import { execa } from 'execa';
import { probeThroughBalancer } from '../../harness/probes/mysql-probe.ts';
import { normaliseAddress } from '../../harness/net/endpoint.ts';
import { awsElb, hasAwsCli } from '../support/aws-cli.ts';
import { leftovers } from '../support/docker-leftovers.ts';

const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
const CONTAINERS = 15 * 60_000;

interface Ready {
  endpoint: string;
  loadBalancerName: string;
  listener: { host: string; port: number };
  balancerVpcAddress: string;
  mysql: { user: string; password: string };
}

const title = hasAwsCli
  ? "proxyproof simulate: the blog's sequence with the real aws client"
  : "proxyproof simulate with the aws client — SKIPPED: Debian's awscli is not installed (apt-get install awscli)";

(hasAwsCli ? describe : describe.skip)(title, () => {
  test(
    'USER() shows the balancer before the policy, the client after it, the balancer again once unset',
    async () => {
      const child = execa('node', [BIN, 'simulate'], { reject: false });
      let runId = '';
      try {
        const ready = await new Promise<Ready>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const line = out.split('\n')[0];
            if (out.includes('\n') && line) resolve(JSON.parse(line) as Ready);
          });
          child.once('exit', () => reject(new Error('simulate exited before it was ready')));
        });
        // The product's own probe: its socket's address, and the backend's USER().
        const whoAmI = async () => {
          const [r] = await probeThroughBalancer(
            { address: ready.listener.host, port: ready.listener.port },
            ready.mysql,
            1,
          );
          if (!r?.backend || !r.origin) throw new Error(`no session: ${r?.error}`);
          return {
            seen: normaliseAddress(r.backend.user.split('@')[1]!),
            mine: normaliseAddress(r.origin.address),
          };
        };
        const elb = (...args: string[]) => awsElb(ready.endpoint, ...args);
        const lb = ['--load-balancer-name', ready.loadBalancerName];

        const before = await whoAmI();
        expect(before.seen).toBe(normaliseAddress(ready.balancerVpcAddress));

        await elb(
          'create-load-balancer-policy',
          ...lb,
          '--policy-name',
          'proxy-protocol-policy',
          '--policy-type-name',
          'ProxyProtocolPolicyType',
          '--policy-attributes',
          'AttributeName=ProxyProtocol,AttributeValue=True',
        );
        await elb(
          'set-load-balancer-policies-for-backend-server',
          ...lb,
          '--policy-names',
          'proxy-protocol-policy',
          '--instance-port',
          '3306',
        );
        const during = await whoAmI();
        expect(during.seen).toBe(during.mine);
        expect(during.seen).not.toBe(normaliseAddress(ready.balancerVpcAddress));

        await elb(
          'set-load-balancer-policies-for-backend-server',
          ...lb,
          '--policy-names',
          '[]',
          '--instance-port',
          '3306',
        );
        const after = await whoAmI();
        expect(after.seen).toBe(normaliseAddress(ready.balancerVpcAddress));
      } finally {
        child.kill('SIGINT');
        const result = await child;
        runId =
          /proxyproof-(\d{8}-\d{6}-[0-9a-f]{4})-simulate/.exec(String(result.stderr))?.[1] ?? runId;
        expect(result.exitCode).toBe(0);
        const all = await execa('docker', [
          'ps',
          '-aq',
          '--filter',
          'label=proxyproof.topology=simulate',
        ]);
        expect(all.stdout.trim()).toBe('');
        if (runId) expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
      }
    },
    CONTAINERS,
  );
});
