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
        setProxyProtocol: async (p) => void reloads.push(p),
      },
      { region: 'ap-northeast-1', name: 'proxyproof-nlb', targetGroupName: 'tg', port: 3306 },
    );
    ({ server, endpoint } = await startQueryApi([elbV2Api(nlb.state)]));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('describe, modify proxy_protocol_v2.enabled=true, describe again; a bad value is refused', async () => {
    const tg = ['--target-group-arn', nlb.targetGroup.TargetGroupArn];
    expect(proxyV2(await awsElbv2(endpoint, 'describe-target-group-attributes', ...tg))).toBe(
      'false',
    );
    const on = await awsElbv2(
      endpoint,
      'modify-target-group-attributes',
      ...tg,
      '--attributes',
      'Key=proxy_protocol_v2.enabled,Value=true',
    );
    expect(proxyV2(on)).toBe('true');
    expect(reloads).toEqual(['v2']);
    expect(proxyV2(await awsElbv2(endpoint, 'describe-target-group-attributes', ...tg))).toBe(
      'true',
    );
    await expect(
      awsElbv2(
        endpoint,
        'modify-target-group-attributes',
        ...tg,
        '--attributes',
        'Key=proxy_protocol_v2.enabled,Value=maybe',
      ),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('(ValidationError)') });
  }, 60_000);
});
