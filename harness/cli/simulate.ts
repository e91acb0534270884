import { elbStateDriving } from '../aws/local-elb.ts';
import { startElbApi } from '../aws/elb-simulator/server.ts';
import { SetupError } from '../errors.ts';
import { onInterrupt } from '../lifecycle/signals.ts';
import { Steps } from '../lifecycle/steps.ts';
import { Teardown } from '../lifecycle/teardown.ts';
import { newRunId } from '../run/run-all.ts';
import { sweepRun } from '../topology/docker.ts';
import { ensureImages } from '../topology/images.ts';
import { BACKEND_CREDENTIALS, startLocalTopology } from '../topology/local-topology.ts';

const LOAD_BALANCER = 'proxy-protocol';
const REGION = 'ap-northeast-1';
const MYSQL_PORT = 3306;

/**
 * `proxyproof simulate`: the blog's setup, locally. One Classic ELB
 * ("proxy-protocol", TCP 3306 → 3306) in front of two MariaDB instances, with
 * the ELB API on loopback; policies set through it reconfigure HAProxy. Runs
 * until SIGINT/SIGTERM, then removes everything.
 */
export async function simulate(options: { port: string }): Promise<number> {
  const apiPort = Number(options.port);
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535)
    throw new SetupError(`--port must be 0-65535, not ${options.port}`);
  const runId = newRunId();
  const teardown = new Teardown();
  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) =>
    onInterrupt(
      () => {
        process.stderr.write('stopping: removing everything the simulation started\n');
        resolve();
      },
      () => {
        process.stderr.write(
          'forced exit: containers may remain; remove them with: npx proxyproof clean\n',
        );
        process.exit(130);
      },
    ),
  );
  const progress = (step: string, millis?: number) => {
    if (millis !== undefined) process.stderr.write(`  ${step} ${(millis / 1000).toFixed(1)}s\n`);
  };
  try {
    const images = await ensureImages((tag) => process.stderr.write(`building image ${tag}\n`));
    const topology = await startLocalTopology({
      runId,
      name: 'simulate',
      backends: 2,
      balancer: { listenerPort: MYSQL_PORT, instancePort: MYSQL_PORT, proxyProtocol: 'none' },
      images,
      teardown,
      steps: new Steps(controller.signal, progress),
    });
    const state = elbStateDriving(topology, MYSQL_PORT);
    state.createLoadBalancer(
      LOAD_BALANCER,
      [
        {
          Protocol: 'TCP',
          LoadBalancerPort: MYSQL_PORT,
          InstanceProtocol: 'TCP',
          InstancePort: MYSQL_PORT,
        },
      ],
      'elb.proxyproof.local',
    );
    state.registerInstances(
      LOAD_BALANCER,
      topology.backends.map((b) => b.name),
    );
    const { server, endpoint } = await startElbApi(state, apiPort);
    teardown.defer('stop the ELB API', () => new Promise((resolve) => server.close(resolve)));

    const ready = {
      endpoint,
      region: REGION,
      loadBalancerName: LOAD_BALANCER,
      listener: { host: topology.listener.address, port: topology.listener.port },
      balancerVpcAddress: topology.balancerVpcAddress,
      mysql: BACKEND_CREDENTIALS,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    process.stdout.write(
      [
        '',
        `ELB API ready at ${endpoint} (any credentials; region ${REGION}). Try the blog's commands:`,
        `  aws elb describe-load-balancer-policy-types --endpoint-url ${endpoint}`,
        `  aws elb create-load-balancer-policy --endpoint-url ${endpoint} --load-balancer-name ${LOAD_BALANCER} \\`,
        '      --policy-name proxy-protocol-policy --policy-type-name ProxyProtocolPolicyType \\',
        '      --policy-attributes AttributeName=ProxyProtocol,AttributeValue=True',
        `  aws elb set-load-balancer-policies-for-backend-server --endpoint-url ${endpoint} \\`,
        `      --load-balancer-name ${LOAD_BALANCER} --policy-names proxy-protocol-policy --instance-port ${MYSQL_PORT}`,
        `  aws elb describe-load-balancers --endpoint-url ${endpoint}`,
        `Then ask MariaDB who it sees: mysql -h ${topology.listener.address} -P ${MYSQL_PORT} -u ${BACKEND_CREDENTIALS.user} -p${BACKEND_CREDENTIALS.password} -e 'SELECT USER()'`,
        `(before the policy it shows the balancer, ${topology.balancerVpcAddress}; after it, you). Ctrl-C stops and removes everything.`,
        '',
      ].join('\n'),
    );
    await stopped;
    return 0;
  } finally {
    await teardown.run();
    await sweepRun(runId);
  }
}
