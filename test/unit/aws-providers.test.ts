import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessPointNotFoundException,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerPolicyCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  InvalidConfigurationRequestException,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeTargetGroupAttributesCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../harness/aws/clients.ts';
import { listPending, savePending } from '../../harness/aws/restore-journal.ts';
import { parseAge } from '../../harness/age.ts';
import { sweepAws } from '../../harness/aws/sweep.ts';
import { runAwsScenario, type AwsAccess } from '../../harness/run/run-aws-scenario.ts';
import type { RunContext } from '../../harness/run/run-scenario.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const elbMock = mockClient(ElasticLoadBalancingClient);
const elbv2Mock = mockClient(ElasticLoadBalancingV2Client);
const meta = { $metadata: {} };

const RUN_ID = '20261126-100000-abcd';
const POLICY = `proxyproof-${RUN_ID}`;
// Port 1 on loopback refuses: the probes fail fast without any database.
const LISTENER = '127.0.0.1:1';

const classicEnv = {
  AWS_REGION: 'ap-northeast-1',
  PROXYPROOF_CLASSIC_ELB_NAME: 'blog-elb',
  PROXYPROOF_CLASSIC_ELB_LISTENER: LISTENER,
  PROXYPROOF_MYSQL_USER: 'app',
  PROXYPROOF_MYSQL_PASSWORD: 'secret',
};
const nlbEnv = {
  AWS_REGION: 'ap-northeast-1',
  PROXYPROOF_NLB_TARGET_GROUP_ARN: 'arn:aws:elasticloadbalancing:ap-northeast-1:1:targetgroup/db/1',
  PROXYPROOF_NLB_LISTENER: LISTENER,
  PROXYPROOF_MYSQL_USER: 'app',
};

const scenario = (kind: 'classic-elb' | 'nlb'): Scenario => ({
  id: `aws-${kind}`,
  title: 'test',
  target: 'aws',
  balancer: { kind, listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 1,
  clients: { harness: 1 },
  expect: { header: kind === 'nlb' ? 'v2' : 'v1', backendSees: 'client' },
});

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
function mockedClients(
  creds: typeof credentials | (() => Promise<never>) = credentials,
): AwsClients {
  const config = { region: 'ap-northeast-1', credentials: creds };
  return {
    elb: new ElasticLoadBalancingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    destroy: () => undefined,
  };
}

let reportsDir: string;
let controller: AbortController;
const ctx = (): RunContext => ({
  runId: RUN_ID,
  images: null,
  runDir: join(reportsDir, RUN_ID),
  reportsDir,
  signal: controller.signal,
  announce: () => undefined,
  warn: () => undefined,
});
const access = (env: Record<string, string>, clients = mockedClients()): AwsAccess => ({
  env,
  clients: () => clients,
});

/** The blog's ELB as DescribeLoadBalancers shows it, with `policies` on instance port 3306. */
const blogElb = (policies: string[], other = policies): LoadBalancerDescription => ({
  LoadBalancerName: 'blog-elb',
  DNSName: 'blog-elb-1.ap-northeast-1.elb.amazonaws.com',
  ListenerDescriptions: [
    {
      Listener: {
        Protocol: 'TCP',
        LoadBalancerPort: 3306,
        InstanceProtocol: 'TCP',
        InstancePort: 3306,
      },
    },
  ],
  Policies: { OtherPolicies: other },
  BackendServerDescriptions: policies.length ? [{ InstancePort: 3306, PolicyNames: policies }] : [],
});

/** The ELB answers Describe with the policies on the port as they are at that moment. */
function statefulElb(initial: string[]) {
  let onPort = [...initial];
  const policies = new Set(initial);
  elbMock.on(DescribeLoadBalancersCommand).callsFake(async () => ({
    LoadBalancerDescriptions: [blogElb(onPort, [...policies])],
  }));
  elbMock
    .on(DescribeLoadBalancerPolicyTypesCommand)
    .resolves({ PolicyTypeDescriptions: [{ PolicyTypeName: 'ProxyProtocolPolicyType' }] });
  elbMock.on(CreateLoadBalancerPolicyCommand).callsFake(async (input: { PolicyName: string }) => {
    policies.add(input.PolicyName);
    return {};
  });
  elbMock.on(SetLoadBalancerPoliciesForBackendServerCommand).callsFake(async (input) => {
    onPort = [...(input as { PolicyNames: string[] }).PolicyNames];
    return {};
  });
  elbMock.on(DeleteLoadBalancerPolicyCommand).resolves({});
  return () => onPort;
}

const commandNames = (mock: typeof elbMock | typeof elbv2Mock) =>
  mock.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''));

beforeEach(async () => {
  elbMock.reset();
  elbv2Mock.reset();
  controller = new AbortController();
  reportsDir = await mkdtemp(join(tmpdir(), 'proxyproof-aws-'));
});
afterEach(() => rm(reportsDir, { recursive: true, force: true }));

describe('AWS scenarios without settings or credentials', () => {
  test('no settings: skipped, naming every missing variable, and no AWS call', async () => {
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access({}));
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/PROXYPROOF_CLASSIC_ELB_NAME is not set/);
    expect(r.reason).toMatch(/AWS_REGION/);
    expect(r.reason).toMatch(/PROXYPROOF_MYSQL_USER/);
    expect(elbMock.calls()).toHaveLength(0);
  });

  test('a malformed listener is named', async () => {
    const env = { ...nlbEnv, PROXYPROOF_NLB_LISTENER: 'db.example' };
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(env));
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/PROXYPROOF_NLB_LISTENER="db.example" must be host:port/);
  });

  test("no credentials: skipped with the chain's own words, and no AWS call", async () => {
    const none = mockedClients(async () => {
      throw new Error('Could not load credentials from any providers');
    });
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv, none));
    expect(r.status).toBe('skipped');
    expect(r.reason).toBe(
      "no AWS credentials from the SDK's default chain: Could not load credentials from any providers",
    );
    expect(elbMock.calls()).toHaveLength(0);
  });
});

describe('Classic ELB provider', () => {
  test("the blog's calls in order, then the port's previous policies restored and the run's policy deleted", async () => {
    const onPort = statefulElb(['earlier-policy']);
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv));
    expect(commandNames(elbMock)).toEqual([
      'DescribeLoadBalancers', // record what was there
      'DescribeLoadBalancerPolicyTypes',
      'CreateLoadBalancerPolicy',
      'SetLoadBalancerPoliciesForBackendServer',
      'DescribeLoadBalancers', // verify
      'SetLoadBalancerPoliciesForBackendServer', // restore
      'DeleteLoadBalancerPolicy',
    ]);
    const create = elbMock.commandCalls(CreateLoadBalancerPolicyCommand)[0]!.args[0].input;
    expect(create).toEqual({
      LoadBalancerName: 'blog-elb',
      PolicyName: POLICY,
      PolicyTypeName: 'ProxyProtocolPolicyType',
      PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
    });
    expect(onPort()).toEqual(['earlier-policy']);
    // The probes could not connect (nothing listens): a failure, never a pass.
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/never reached the balancer/);
    expect(r.warnings.join()).toMatch(/had backend policies earlier-policy/);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('AWS refusing the change: errored (no verdict) with the AWS error, and restored all the same', async () => {
    const onPort = statefulElb([]);
    elbMock.on(SetLoadBalancerPoliciesForBackendServerCommand, { PolicyNames: [POLICY] }).rejects(
      new InvalidConfigurationRequestException({
        message: 'Requested configuration change is invalid.',
        ...meta,
      }),
    );
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv));
    expect(r.status).toBe('errored');
    expect(r.errorKind).toBe('environment');
    expect(r.reason).toBe(
      'AWS: InvalidConfigurationRequestException: Requested configuration change is invalid.',
    );
    expect(onPort()).toEqual([]);
    expect(elbMock.commandCalls(DeleteLoadBalancerPolicyCommand)).toHaveLength(1);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('a balancer that does not exist: errored with the AWS error, nothing changed', async () => {
    elbMock.on(DescribeLoadBalancersCommand).rejects(
      new AccessPointNotFoundException({
        message: "There is no ACTIVE Load Balancer named 'blog-elb'",
        ...meta,
      }),
    );
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv));
    expect(r).toMatchObject({
      status: 'errored',
      errorKind: 'environment',
      reason:
        "AWS: AccessPointNotFoundException: There is no ACTIVE Load Balancer named 'blog-elb'",
    });
    expect(commandNames(elbMock)).toEqual(['DescribeLoadBalancers']);
  });

  test("a balancer without a listener to the port: errored in proxyproof's words, not as AWS's", async () => {
    elbMock.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancerDescriptions: [{ ...blogElb([]), ListenerDescriptions: [] }],
    });
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv));
    expect(r).toMatchObject({
      status: 'errored',
      reason: 'blog-elb has no listener forwarding to instance port 3306',
    });
  });

  test('interrupted once the policy is on: restored before the interruption goes on', async () => {
    const onPort = statefulElb([]);
    elbMock.on(DescribeLoadBalancerPolicyTypesCommand).callsFake(async () => {
      controller.abort(); // Ctrl-C while the policy is being set
      return { PolicyTypeDescriptions: [{ PolicyTypeName: 'ProxyProtocolPolicyType' }] };
    });
    await expect(
      runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv)),
    ).rejects.toThrow('interrupted');
    expect(onPort()).toEqual([]);
    expect(commandNames(elbMock).slice(-2)).toEqual([
      'SetLoadBalancerPoliciesForBackendServer',
      'DeleteLoadBalancerPolicy',
    ]);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('restore failing: the record stays on disk for aws sweep, and the report says so', async () => {
    statefulElb([]);
    elbMock
      .on(SetLoadBalancerPoliciesForBackendServerCommand, { PolicyNames: [] })
      .rejects(new Error('socket hang up'));
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv));
    expect(r.warnings.join()).toMatch(/could not restore the balancer .*aws sweep/);
    const pending = await listPending(reportsDir);
    expect(pending.map((p) => p.pending.record)).toEqual([
      {
        kind: 'classic-elb',
        loadBalancerName: 'blog-elb',
        instancePort: 3306,
        policyNames: [],
        createdPolicy: POLICY,
      },
    ]);
  });
});

describe('NLB provider', () => {
  const attributes = (proxy: string, preserve = 'false') => ({
    Attributes: [
      { Key: 'proxy_protocol_v2.enabled', Value: proxy },
      { Key: 'preserve_client_ip.enabled', Value: preserve },
    ],
  });

  test('reads, enables and verifies proxy_protocol_v2.enabled, then puts it back', async () => {
    let value = 'false';
    elbv2Mock
      .on(DescribeTargetGroupAttributesCommand)
      .callsFake(async () => attributes(value, 'true'));
    elbv2Mock.on(ModifyTargetGroupAttributesCommand).callsFake(async (input) => {
      value = (input as { Attributes: { Value: string }[] }).Attributes[0]!.Value;
      return attributes(value);
    });
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv));
    expect(commandNames(elbv2Mock)).toEqual([
      'DescribeTargetGroupAttributes',
      'ModifyTargetGroupAttributes',
      'DescribeTargetGroupAttributes',
      'ModifyTargetGroupAttributes',
    ]);
    const modify = elbv2Mock
      .commandCalls(ModifyTargetGroupAttributesCommand)
      .map((c) => c.args[0].input);
    expect(modify.map((m) => m.Attributes)).toEqual([
      [{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }],
      [{ Key: 'proxy_protocol_v2.enabled', Value: 'false' }],
    ]);
    expect(value).toBe('false');
    expect(r.warnings.join()).toMatch(/preserve_client_ip.enabled is true/);
  });

  test('already on before the run: left on, with a warning that it may be a leftover', async () => {
    elbv2Mock.on(DescribeTargetGroupAttributesCommand).resolves(attributes('true'));
    elbv2Mock.on(ModifyTargetGroupAttributesCommand).resolves({});
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv));
    const modify = elbv2Mock.commandCalls(ModifyTargetGroupAttributesCommand);
    expect(modify.at(-1)!.args[0].input.Attributes).toEqual([
      { Key: 'proxy_protocol_v2.enabled', Value: 'true' },
    ]);
    expect(r.warnings.join()).toMatch(/was already true before this run/);
  });

  test('an unknown target group: failed with the AWS error', async () => {
    elbv2Mock.on(DescribeTargetGroupAttributesCommand).rejects(
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        ...meta,
      }),
    );
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv));
    expect(r.reason).toBe('AWS: TargetGroupNotFoundException: One or more target groups not found');
    expect(commandNames(elbv2Mock)).toEqual(['DescribeTargetGroupAttributes']);
  });
});

describe('aws sweep', () => {
  test('ages: 30m, 6h, 2d, 0; anything else is refused', () => {
    expect([parseAge('30m'), parseAge('6h'), parseAge('2d'), parseAge('0')]).toEqual([
      1_800_000, 21_600_000, 172_800_000, 0,
    ]);
    expect(parseAge('6 hours')).toBeNull();
  });

  test('replays old restore records, and removes old run policies from ports before deleting them', async () => {
    await savePending(reportsDir, {
      runId: '20261120-000000-aaaa',
      scenario: 'aws-nlb-v2',
      region: 'ap-northeast-1',
      savedAt: '2026-11-20T00:00:00.000Z',
      record: { kind: 'nlb', targetGroupArn: 'arn:tg', proxyProtocolV2: false },
    });
    await savePending(reportsDir, {
      runId: '20261126-095900-bbbb',
      scenario: 'aws-nlb-v2',
      region: 'ap-northeast-1',
      savedAt: '2026-11-26T09:59:00.000Z', // a run that may still be going
      record: { kind: 'nlb', targetGroupArn: 'arn:tg', proxyProtocolV2: true },
    });
    elbv2Mock.on(ModifyTargetGroupAttributesCommand).resolves({});
    const stale = 'proxyproof-20261120-000000-aaaa';
    const young = 'proxyproof-20261126-095900-bbbb';
    elbMock.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancerDescriptions: [
        {
          ...blogElb([stale, 'keep-me'], [stale, young, 'keep-me', 'proxyproof-proxy-protocol']),
        },
      ],
    });
    elbMock.on(SetLoadBalancerPoliciesForBackendServerCommand).resolves({});
    elbMock.on(DeleteLoadBalancerPolicyCommand).resolves({});
    const result = await sweepAws({
      reportsDir,
      olderThanMs: 3_600_000,
      now: new Date('2026-11-26T10:00:00Z'),
      place: { region: 'ap-northeast-1' },
      clients: () => mockedClients(),
    });
    expect(result).toEqual({
      restored: ['20261120-000000-aaaa-aws-nlb-v2'],
      deleted: [`blog-elb/${stale}`],
      problems: [],
      records: 2,
    });
    expect(elbv2Mock.commandCalls(ModifyTargetGroupAttributesCommand)[0]!.args[0].input).toEqual({
      TargetGroupArn: 'arn:tg',
      Attributes: [{ Key: 'proxy_protocol_v2.enabled', Value: 'false' }],
    });
    expect(commandNames(elbMock)).toEqual([
      'DescribeLoadBalancers',
      'SetLoadBalancerPoliciesForBackendServer',
      'DeleteLoadBalancerPolicy',
    ]);
    expect(
      elbMock.commandCalls(SetLoadBalancerPoliciesForBackendServerCommand)[0]!.args[0].input,
    ).toEqual({
      LoadBalancerName: 'blog-elb',
      InstancePort: 3306,
      PolicyNames: ['keep-me'],
    });
    expect((await readdir(join(reportsDir, 'aws-pending'))).length).toBe(1);
  });

  test("replaying a Classic record restores the port first, then deletes the run's policy", async () => {
    elbMock.on(SetLoadBalancerPoliciesForBackendServerCommand).resolves({});
    elbMock.on(DeleteLoadBalancerPolicyCommand).resolves({});
    await savePending(reportsDir, {
      runId: RUN_ID,
      scenario: 'aws-classic-elb-v1',
      region: 'ap-northeast-1',
      savedAt: '2026-11-26T08:00:00.000Z',
      record: {
        kind: 'classic-elb',
        loadBalancerName: 'blog-elb',
        instancePort: 3306,
        policyNames: ['earlier-policy'],
        createdPolicy: POLICY,
      },
    });
    const result = await sweepAws({
      reportsDir,
      olderThanMs: 0,
      place: null,
      clients: () => mockedClients(),
    });
    expect(result).toEqual({
      restored: [`${RUN_ID}-aws-classic-elb-v1`],
      deleted: [],
      problems: [],
      records: 1,
    });
    expect(commandNames(elbMock)).toEqual([
      'SetLoadBalancerPoliciesForBackendServer',
      'DeleteLoadBalancerPolicy',
    ]);
    expect(
      elbMock.commandCalls(SetLoadBalancerPoliciesForBackendServerCommand)[0]!.args[0].input
        .PolicyNames,
    ).toEqual(['earlier-policy']);
    expect(await listPending(reportsDir)).toEqual([]);
  });
});
