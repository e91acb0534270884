import type { Server } from 'node:http';
import { awsElbv2, hasAwsCli } from '../support/aws-cli.ts';
import { localNlb, type LocalNlb } from '../../harness/components/balancers/simulated-nlb.ts';
import { startQueryApi } from '../../harness/aws/elb-simulator/server.ts';
import { elbV2Api } from '../../harness/aws/elb-simulator/v2-api.ts';

const title = hasAwsCli
  ? 'aws elbv2 target group attribute commands against the simulator'
  : "aws elbv2 commands — SKIPPED: Debian's awscli is not installed (apt-get install awscli)";

type Attributes = { Attributes: { Key: string; Value: string }[] };
const proxyV2 = (out: Record<string, unknown>) =>
  (out as Attributes).Attributes.find((a) => a.Key === 'proxy_protocol_v2.enabled')?.Value;

(hasAwsCli ? describe : describe.skip)(title, () => {
  let server: Server;
  let endpoint: string;
  let nlb: LocalNlb;
  const reloads: string[] = [];

  beforeAll(async () => {
    nlb = localNlb(
      {
        backends: [{ name: 'backend-1', address: '', containerId: '' }],
        reconfigure: async (change) => void reloads.push(change.proxyProtocol ?? 'unchanged'),
        backendStates: async () => [{ name: 'backend-1', running: true, haproxy: 'UP' }],
      },
      { region: 'ap-northeast-1', name: 'proxyproof-nlb', targetGroupName: 'tg', port: 3306 },
    );
    // Registering the backend at creation applied the group once, unchanged.
    await nlb.state.applied();
    reloads.length = 0;
    ({ server, endpoint } = await startQueryApi([elbV2Api(nlb.state)]));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const modify = (attribute: string) =>
    awsElbv2(
      endpoint,
      'modify-target-group-attributes',
      '--target-group-arn',
      nlb.targetGroup.TargetGroupArn,
      '--attributes',
      attribute,
    );

  test('describe, modify proxy_protocol_v2.enabled=true, describe again; a bad value is refused', async () => {
    const tg = ['--target-group-arn', nlb.targetGroup.TargetGroupArn];
    expect(proxyV2(await awsElbv2(endpoint, 'describe-target-group-attributes', ...tg))).toBe(
      'false',
    );
    const on = await modify('Key=proxy_protocol_v2.enabled,Value=true');
    expect(proxyV2(on)).toBe('true');
    expect(reloads).toEqual(['v2']);
    expect(proxyV2(await awsElbv2(endpoint, 'describe-target-group-attributes', ...tg))).toBe(
      'true',
    );
    await expect(modify('Key=proxy_protocol_v2.enabled,Value=maybe')).rejects.toMatchObject({
      stderr: expect.stringContaining('(ValidationError)'),
    });
  }, 60_000);

  test("targets: an unknown instance is InvalidTarget; health as the stand-in sees it; header placement is AWS Support's", async () => {
    const tg = ['--target-group-arn', nlb.targetGroup.TargetGroupArn];
    for (const command of ['register-targets', 'deregister-targets', 'describe-target-health'])
      await expect(
        awsElbv2(endpoint, command, ...tg, '--targets', 'Id=i-0123456789abcdef0'),
      ).rejects.toMatchObject({ stderr: expect.stringContaining('(InvalidTarget)') });
    const health = (await awsElbv2(endpoint, 'describe-target-health', ...tg)) as {
      TargetHealthDescriptions: unknown[];
    };
    expect(health.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: 'backend-1', Port: 3306 },
        HealthCheckPort: '3306',
        TargetHealth: { State: 'healthy' },
      },
    ]);
    await expect(
      modify('Key=proxy_protocol_v2.client_to_server.header_placement,Value=on_first_ack'),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('(ValidationError)') });
    const attributes = (await awsElbv2(
      endpoint,
      'describe-target-group-attributes',
      ...tg,
    )) as Attributes;
    expect(attributes.Attributes.map((a) => a.Key)).not.toContain(
      'proxy_protocol_v2.client_to_server.header_placement',
    );
    expect(attributes.Attributes).toContainEqual({
      Key: 'preserve_client_ip.enabled',
      Value: 'true',
    });
  }, 60_000);
});
