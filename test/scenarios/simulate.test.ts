import { ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { nlbSimulatorClient } from '../../harness/aws/local-simulator.ts';
import { normaliseAddress } from '../../harness/net/endpoint.ts';
import { awsElb, hasAwsCli } from '../support/aws-cli.ts';
import {
  balancerConfig,
  dataPlaneSettings,
  whileSimulating,
  whoAmI,
  type Ready,
} from '../support/simulation.ts';

const CONTAINERS = 15 * 60_000;

/** Who the backend sees before, during and after the PROXY protocol is on, through `set`. */
async function seenAcrossSwitch(ready: Ready, set: (on: boolean) => Promise<void>) {
  const balancer = normaliseAddress(ready.balancerVpcAddress);
  const before = await whoAmI(ready);
  expect(before.seen).toBe(balancer);

  await set(true);
  const during = await whoAmI(ready);
  // Through the published port, the client is whoever the balancer saw: the engine's forwarding.
  expect(during.seen).toBe(during.balancerSaw);
  expect(during.seen).not.toBe(balancer);

  await set(false);
  const after = await whoAmI(ready);
  expect(after.seen).toBe(balancer);
}

const title = hasAwsCli
  ? "proxyproof simulate: the blog's sequence with the real aws client"
  : "proxyproof simulate with the aws client — SKIPPED: Debian's awscli is not installed (apt-get install awscli)";

(hasAwsCli ? describe : describe.skip)(title, () => {
  test(
    'USER() shows the balancer before the policy, the client after it, the balancer again once unset',
    () =>
      whileSimulating<Ready & { loadBalancerName: string }>([], async (ready) => {
        const elb = (...args: string[]) => awsElb(ready.endpoint, ...args);
        const lb = ['--load-balancer-name', ready.loadBalancerName];
        const setPolicies = (names: string) =>
          elb(
            'set-load-balancer-policies-for-backend-server',
            ...lb,
            '--policy-names',
            names,
            '--instance-port',
            '3306',
          );
        await seenAcrossSwitch(ready, async (on) => {
          if (!on) {
            await setPolicies('[]');
            return;
          }
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
          await setPolicies('proxy-protocol-policy');
        });
        // A second balancer made through the API drives nothing here: emptying its
        // policies leaves the first one's HAProxy serving (it once took it over).
        await elb(
          'create-load-balancer',
          '--load-balancer-name',
          'noaz',
          '--listeners',
          'Protocol=TCP,LoadBalancerPort=1,InstancePort=1',
          '--availability-zones',
          'local-a',
        );
        await elb(
          'set-load-balancer-policies-for-backend-server',
          '--load-balancer-name',
          'noaz',
          '--instance-port',
          '1',
          '--policy-names',
          '[]',
        );
        expect((await whoAmI(ready)).seen).toBe(normaliseAddress(ready.balancerVpcAddress));
        expect(await balancerConfig()).toMatch(/^ {2}server /m);
      }),
    CONTAINERS,
  );
});

describe('proxyproof simulate --kind nlb, through @aws-sdk/client-elastic-load-balancing-v2', () => {
  test(
    'USER() shows the balancer before proxy_protocol_v2.enabled, the client while true, the balancer again once false',
    () =>
      whileSimulating<Ready & { loadBalancerArn: string; targetGroupArn: string }>(
        ['--kind', 'nlb'],
        async (ready) => {
          expect(ready.loadBalancerArn).toMatch(
            /:loadbalancer\/net\/proxyproof-nlb\/[0-9a-f]{16}$/,
          );
          const elbv2 = nlbSimulatorClient(ready.endpoint, ready.region);
          const attribute = (Key: string, on: boolean) =>
            elbv2.send(
              new ModifyTargetGroupAttributesCommand({
                TargetGroupArn: ready.targetGroupArn,
                Attributes: [{ Key, Value: String(on) }],
              }),
            );
          try {
            // AWS's default for instance targets: the backend's TCP peer is the client already.
            const preserved = await whoAmI(ready);
            expect(preserved.seen).toBe(preserved.balancerSaw);
            expect(preserved.seen).not.toBe(normaliseAddress(ready.balancerVpcAddress));
            await attribute('preserve_client_ip.enabled', false);
            await seenAcrossSwitch(ready, async (on) => {
              await attribute('proxy_protocol_v2.enabled', on);
              // The data plane writes the v2 header; HAProxy writes none of its own.
              expect((await dataPlaneSettings()).proxyProtocol).toBe(on);
              expect(/ send-proxy/.test(await balancerConfig())).toBe(false);
            });
          } finally {
            elbv2.destroy();
          }
        },
      ),
    CONTAINERS,
  );
});
