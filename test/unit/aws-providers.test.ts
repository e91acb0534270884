import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  InvalidConfigurationRequestException,
  SetLoadBalancerPoliciesForBackendServerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { parseAge } from '../../harness/age.ts';
import type { AwsClients } from '../../harness/aws/clients.ts';
import { classicElbApi } from '../../harness/aws/elb-simulator/classic-api.ts';
import { API_ONLY, ElbState } from '../../harness/aws/elb-simulator/model.ts';
import type { QueryApi } from '../../harness/aws/elb-simulator/query-xml.ts';
import { startQueryApi } from '../../harness/aws/elb-simulator/server.ts';
import { elbV2Api } from '../../harness/aws/elb-simulator/v2-api.ts';
import { ElbV2State, NOTHING_DRIVEN } from '../../harness/aws/elb-simulator/v2-model.ts';
import { nlbSimulatorClient, simulatorClient } from '../../harness/aws/local-simulator.ts';
import { listPending, savePending } from '../../harness/aws/restore-journal.ts';
import { sweepAws } from '../../harness/aws/sweep.ts';
import { awsTarget, type AwsAccess } from '../../harness/targets/aws.ts';
import { tcpBalancer } from '../support/classic-balancer.ts';
import { local } from '../../harness/targets/local.ts';
import { runScenarioGroup } from '../../harness/run/run-scenario.ts';
import type { RunContext } from '../../harness/run/context.ts';
import { ScenarioSchema, type Scenario } from '../../harness/scenario/schema.ts';

// The providers against proxyproof's own ELB API simulator on loopback, through
// the real SDK: each test sets the simulator's state up, then reads it while the
// scenario's client connects and after the run. Where calls are the point (none
// made, their order) the simulator's log of the actions it received says so.
// aws-sdk-client-mock only injects a failure AWS could answer with; every
// other call goes through to the simulator.

const REGION = 'ap-northeast-1';
const RUN_ID = '20261126-100000-abcd';
const POLICY = `proxyproof-${RUN_ID}`;
const LB = 'blog-elb';
const PROXY_V2 = 'proxy_protocol_v2.enabled';

let elbState: ElbState;
let elbV2State: ElbV2State;
/** Called after each change the simulated APIs make (where the simulator would reload HAProxy). */
let onClassicChange: () => void;
let onNlbChange: () => void;
/** Each action the simulated ELB APIs received, in order. */
let received: string[];
let api: Server;
let endpoint: string;
/** Where the scenario's clients connect: it takes each connection, notes what `atConnect` says, and closes it. */
let listener: TcpServer;
let atConnect: () => unknown;
let seenAtConnect: unknown[];
let reportsDir: string;
let controller: AbortController;

const logged = (queryApi: QueryApi): QueryApi => ({
  ...queryApi,
  perform: (action, q) => {
    received.push(action);
    return queryApi.perform(action, q);
  },
});

beforeEach(async () => {
  received = [];
  onClassicChange = () => undefined;
  onNlbChange = () => undefined;
  elbState = new ElbState();
  elbV2State = new ElbV2State(REGION);
  ({ server: api, endpoint } = await startQueryApi([
    logged(classicElbApi(elbState)),
    logged(elbV2Api(elbV2State)),
  ]));
  atConnect = () => undefined;
  seenAtConnect = [];
  listener = createServer((socket) => {
    seenAtConnect.push(atConnect());
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  controller = new AbortController();
  reportsDir = await mkdtemp(join(tmpdir(), 'proxyproof-aws-'));
});
afterEach(async () => {
  await new Promise((resolve) => api.close(resolve));
  await new Promise((resolve) => listener.close(resolve));
  await rm(reportsDir, { recursive: true, force: true });
});

const listenerSetting = () => `127.0.0.1:${(listener.address() as AddressInfo).port}`;
const classicEnv = () => ({
  AWS_REGION: REGION,
  PROXYPROOF_CLASSIC_ELB_NAME: LB,
  PROXYPROOF_CLASSIC_ELB_LISTENER: listenerSetting(),
  PROXYPROOF_MYSQL_USER: 'app',
  PROXYPROOF_MYSQL_PASSWORD: 'secret',
});
const nlbEnv = (targetGroupArn: string) => ({
  AWS_REGION: REGION,
  PROXYPROOF_NLB_TARGET_GROUP_ARN: targetGroupArn,
  PROXYPROOF_NLB_LISTENER: listenerSetting(),
  PROXYPROOF_MYSQL_USER: 'app',
});

const scenario = (kind: 'classic-elb' | 'nlb'): Scenario =>
  ScenarioSchema.parse({
    id: `aws-${kind}`,
    title: 'test',
    target: 'aws',
    balancer: { kind, listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
    backends: { kind: 'mariadb' },
    clients: [{ kind: 'harness', count: 1 }],
    checks: [
      { kind: 'header', version: kind === 'nlb' ? 'v2' : 'v1' },
      { kind: 'backend-sees', who: 'client' },
    ],
  });

/** One AWS scenario through the one pipeline, its AWS target reaching AWS through `access`. */
const runAwsScenario = async (s: Scenario, c: RunContext, a: AwsAccess) =>
  (await runScenarioGroup([s], c, { local, aws: awsTarget(a) }))[0]!;

/** SDK clients for the simulator, as `clients` of AwsAccess and of sweepAws. */
const simulatorClients = (): AwsClients =>
  clientsOf(simulatorClient(endpoint, REGION), nlbSimulatorClient(endpoint, REGION));

function clientsOf(elb: ElasticLoadBalancingClient, elbv2: ElasticLoadBalancingV2Client) {
  return {
    elb,
    elbv2,
    destroy: () => {
      elb.destroy();
      elbv2.destroy();
    },
  };
}

const ctx = (): RunContext => ({
  runId: RUN_ID,
  images: null,
  runDir: join(reportsDir, RUN_ID),
  reportsDir,
  origin: performance.now(),
  signal: controller.signal,
  announce: () => undefined,
  warn: () => undefined,
});
const access = (env: Record<string, string>, clients = simulatorClients()): AwsAccess => ({
  env,
  clients: () => clients,
});

// --- Classic ELB: the simulator's state ---

/** A TCP listener 3306 → `instancePort`, and each of `policies` (ProxyProtocol=`value`) created. */
function classicElb(opts: { instancePort?: number; policies?: string[]; value?: string } = {}) {
  const instancePort = opts.instancePort ?? 3306;
  elbState.createLoadBalancer(tcpBalancer(LB, instancePort), {
    ...API_ONLY,
    apply: () => onClassicChange(),
  });
  for (const name of opts.policies ?? []) createPolicy(LB, name, opts.value ?? 'true');
}

function createPolicy(lb: string, name: string, value = 'true') {
  elbState.createPolicy(lb, {
    PolicyName: name,
    PolicyTypeName: 'ProxyProtocolPolicyType',
    PolicyAttributeDescriptions: [{ AttributeName: 'ProxyProtocol', AttributeValue: value }],
  });
}

/** The simulator's view of the load balancer: its policies and each instance port's. */
function classicNow(lb = LB) {
  const [found] = elbState.describeLoadBalancers([lb]);
  return {
    policies: [...found!.Policies.keys()].sort(),
    ports: Object.fromEntries(found!.BackendServerPolicies),
  };
}

/** The PROXY protocol on instance port 3306 as the simulator applies it, and the port's policies. */
const port3306 = () => ({
  proxyProtocol: elbState.proxyProtocolOn(LB, 3306),
  policies: classicNow().ports[3306] ?? [],
});

const AWS_REFUSED = new InvalidConfigurationRequestException({
  message: 'Requested configuration change is invalid.',
  $metadata: {},
});

/**
 * Simulator clients whose SetLoadBalancerPoliciesForBackendServer calls
 * matching `input` fail with `failure`, or are 'ignored': answered with
 * success without reaching the simulator.
 */
function clientsFailingSet(
  input: Partial<SetLoadBalancerPoliciesForBackendServerCommand['input']>,
  failure: Error | 'ignored',
) {
  const clients = simulatorClients();
  const mock = mockClient(clients.elb);
  mock.send.callThrough();
  const call = mock.on(SetLoadBalancerPoliciesForBackendServerCommand, input);
  if (failure === 'ignored') call.resolves({});
  else call.rejects(failure);
  return clients;
}

describe('AWS scenarios without settings or credentials', () => {
  test('no settings: skipped, naming every missing variable, and no AWS call', async () => {
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access({}));
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/PROXYPROOF_CLASSIC_ELB_NAME is not set/);
    expect(r.reason).toMatch(/AWS_REGION/);
    expect(r.reason).toMatch(/PROXYPROOF_MYSQL_USER/);
    expect(received).toEqual([]);
  });

  test('a malformed listener is named', async () => {
    const env = {
      ...nlbEnv(
        `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/db/0123456789abcdef`,
      ),
      PROXYPROOF_NLB_LISTENER: 'db.example',
    };
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(env));
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/PROXYPROOF_NLB_LISTENER="db.example" must be host:port/);
  });

  test("no credentials: skipped with the chain's own words, and no AWS call", async () => {
    classicElb();
    const config = {
      endpoint,
      region: REGION,
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    };
    const none = clientsOf(
      new ElasticLoadBalancingClient(config),
      new ElasticLoadBalancingV2Client(config),
    );
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv(), none));
    expect(r.status).toBe('skipped');
    expect(r.reason).toBe(
      "no AWS credentials from the SDK's default chain: Could not load credentials from any providers",
    );
    expect(received).toEqual([]);
  });
});

describe('Classic ELB provider', () => {
  test("the run's ProxyProtocol policy is on the port while clients connect; then the earlier policies are back and the run's policy is gone", async () => {
    classicElb({ policies: ['earlier-policy'], value: 'false' });
    elbState.setBackendServerPolicies(LB, 3306, ['earlier-policy']);
    atConnect = port3306;
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv()));
    expect(seenAtConnect).toEqual([{ proxyProtocol: true, policies: [POLICY] }]);
    expect(classicNow()).toEqual({
      policies: ['earlier-policy'],
      ports: { 3306: ['earlier-policy'] },
    });
    // The probe's connection was closed unanswered: a failure, never a pass.
    expect(r.status).toBe('failed');
    expect(r.warnings.join()).toMatch(/had backend policies earlier-policy/);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('the calls are those the README lists for the IAM role, in order', async () => {
    classicElb();
    await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv()));
    expect(received).toEqual([
      'DescribeLoadBalancers', // record what was there
      'DescribeLoadBalancerPolicyTypes',
      'CreateLoadBalancerPolicy',
      'SetLoadBalancerPoliciesForBackendServer',
      'DescribeLoadBalancers', // verify
      'SetLoadBalancerPoliciesForBackendServer', // restore
      'DeleteLoadBalancerPolicy',
    ]);
  });

  test('a balancer that does not exist: errored with the AWS error, nothing changed', async () => {
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv()));
    expect(r).toMatchObject({
      status: 'errored',
      errorKind: 'environment',
      reason: `AWS: AccessPointNotFoundException: There is no ACTIVE Load Balancer named '${LB}'`,
    });
    expect(received).toEqual(['DescribeLoadBalancers']);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test("a balancer without a listener to the port: errored in proxyproof's words, nothing changed", async () => {
    classicElb({ instancePort: 3307 });
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv()));
    expect(r).toMatchObject({
      status: 'errored',
      reason: `the harness could not complete the scenario: ${LB} has no listener forwarding to instance port 3306`,
    });
    expect(received).toEqual(['DescribeLoadBalancers']);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('interrupted once the policy is on: restored before the interruption goes on', async () => {
    classicElb();
    onClassicChange = () => {
      if (port3306().proxyProtocol) controller.abort(); // Ctrl-C as the policy goes on
    };
    await expect(
      runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv())),
    ).rejects.toThrow('interrupted');
    expect(seenAtConnect).toEqual([]);
    expect(classicNow()).toEqual({ policies: [], ports: {} });
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('AWS refusing the change: errored (no verdict) with the AWS error, and restored all the same', async () => {
    classicElb();
    const clients = clientsFailingSet({ PolicyNames: [POLICY] }, AWS_REFUSED);
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv(), clients));
    expect(r).toMatchObject({
      status: 'errored',
      errorKind: 'environment',
      reason:
        'AWS: InvalidConfigurationRequestException: Requested configuration change is invalid.',
    });
    expect(classicNow()).toEqual({ policies: [], ports: {} });
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('the policy not showing on the port after the change: errored by the verification, and restored', async () => {
    classicElb();
    const clients = clientsFailingSet({ PolicyNames: [POLICY] }, 'ignored');
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv(), clients));
    expect(r).toMatchObject({
      status: 'errored',
      reason:
        'the harness could not complete the scenario: DescribeLoadBalancers shows the policy missing on instance port 3306',
    });
    expect(seenAtConnect).toEqual([]);
    expect(classicNow()).toEqual({ policies: [], ports: {} });
  });

  test('restore failing: the policy stays on, its record stays on disk for aws sweep, and the report says so', async () => {
    classicElb();
    const clients = clientsFailingSet({ PolicyNames: [] }, new Error('socket hang up'));
    const r = await runAwsScenario(scenario('classic-elb'), ctx(), access(classicEnv(), clients));
    expect(r.warnings.join()).toMatch(/could not restore the balancer .*aws sweep/);
    expect(classicNow()).toEqual({ policies: [POLICY], ports: { 3306: [POLICY] } });
    const pending = await listPending(reportsDir);
    expect(pending.map((p) => p.pending.record)).toEqual([
      {
        kind: 'classic-elb',
        loadBalancerName: LB,
        instancePort: 3306,
        policyNames: [],
        createdPolicy: POLICY,
      },
    ]);
  });
});

// --- NLB: the simulator's target group ---

/** An NLB's target group in the simulator, with proxy_protocol_v2.enabled as given. */
function nlbTargetGroup(name = 'db', proxyProtocolV2 = false): string {
  const tg = elbV2State.createTargetGroup(name, 3306, {
    ...NOTHING_DRIVEN,
    apply: () => onNlbChange(),
  });
  if (proxyProtocolV2)
    elbV2State.modifyTargetGroupAttributes(tg.TargetGroupArn, [{ Key: PROXY_V2, Value: 'true' }]);
  return tg.TargetGroupArn;
}
const attribute = (arn: string) => elbV2State.targetGroup(arn).Attributes.get(PROXY_V2);

describe('NLB provider', () => {
  test('proxy_protocol_v2.enabled is true while clients connect, and false again after', async () => {
    const arn = nlbTargetGroup();
    // Client IP preservation off: nothing to warn of.
    elbV2State.modifyTargetGroupAttributes(arn, [
      { Key: 'preserve_client_ip.enabled', Value: 'false' },
    ]);
    atConnect = () => attribute(arn);
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(arn)));
    expect(seenAtConnect).toEqual(['true']);
    expect(attribute(arn)).toBe('false');
    expect(r.warnings).toEqual([]);
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('the calls: read, modify, verify, restore', async () => {
    const arn = nlbTargetGroup();
    await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(arn)));
    expect(received).toEqual([
      'DescribeTargetGroupAttributes',
      'ModifyTargetGroupAttributes',
      'DescribeTargetGroupAttributes',
      'ModifyTargetGroupAttributes',
    ]);
  });

  test('already on before the run: left on, with a warning that it may be a leftover', async () => {
    const arn = nlbTargetGroup('db', true);
    atConnect = () => attribute(arn);
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(arn)));
    expect(seenAtConnect).toEqual(['true']);
    expect(attribute(arn)).toBe('true');
    expect(r.warnings.join()).toMatch(/was already true before this run/);
  });

  test("client IP preservation on (an instance group's default): a warning that the backends must trust the clients too", async () => {
    const arn = nlbTargetGroup();
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(arn)));
    expect(r.warnings.join()).toMatch(/preserve_client_ip.enabled is true/);
  });

  test('an unknown target group: errored with the AWS error', async () => {
    const unknown = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/db/0123456789abcdef`;
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(unknown)));
    expect(r).toMatchObject({
      status: 'errored',
      reason: 'AWS: TargetGroupNotFoundException: One or more target groups not found',
    });
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('the attribute not showing true after the change: errored by the verification, and restored', async () => {
    const arn = nlbTargetGroup();
    const clients = simulatorClients();
    const mock = mockClient(clients.elbv2);
    mock.send.callThrough();
    mock
      .on(ModifyTargetGroupAttributesCommand, { Attributes: [{ Key: PROXY_V2, Value: 'true' }] })
      .resolves({});
    let modified = 0;
    onNlbChange = () => modified++;
    const r = await runAwsScenario(scenario('nlb'), ctx(), access(nlbEnv(arn), clients));
    expect(r).toMatchObject({
      status: 'errored',
      reason: `the harness could not complete the scenario: DescribeTargetGroupAttributes shows ${PROXY_V2}=false, expected true`,
    });
    expect(seenAtConnect).toEqual([]);
    // Restored: the one change that reached the simulator put false back.
    expect(modified).toBe(1);
    expect(attribute(arn)).toBe('false');
  });
});

describe('aws sweep', () => {
  test('ages: 30m, 6h, 2d, 0; anything else is refused', () => {
    expect([parseAge('30m'), parseAge('6h'), parseAge('2d'), parseAge('0')]).toEqual([
      1_800_000, 21_600_000, 172_800_000, 0,
    ]);
    expect(parseAge('6 hours')).toBeNull();
  });

  const NOW = new Date('2026-11-26T10:00:00Z');
  const sweep = (place: { region: string } | null, olderThanMs = 3_600_000) =>
    sweepAws({ reportsDir, olderThanMs, now: NOW, place, clients: () => simulatorClients() });

  test('records only: an old NLB record is replayed exactly; a young one (its run may be going) is left, record and group', async () => {
    const old = nlbTargetGroup('old', true);
    const young = nlbTargetGroup('young', true);
    const record = (runId: string, savedAt: string, targetGroupArn: string) =>
      savePending(reportsDir, {
        runId,
        scenario: 'aws-nlb-v2',
        region: REGION,
        savedAt,
        record: { kind: 'nlb', targetGroupArn, proxyProtocolV2: false },
      });
    await record('20261120-000000-aaaa', '2026-11-20T00:00:00.000Z', old);
    await record('20261126-095900-bbbb', '2026-11-26T09:59:00.000Z', young);
    const result = await sweep(null);
    expect(result).toEqual({
      restored: ['20261120-000000-aaaa-aws-nlb-v2'],
      deleted: [],
      problems: [],
      records: 2,
    });
    expect([attribute(old), attribute(young)]).toEqual(['false', 'true']);
    expect((await listPending(reportsDir)).map((p) => p.pending.runId)).toEqual([
      '20261126-095900-bbbb',
    ]);
  });

  test("replaying a Classic record: the port gets its earlier policies back and the run's policy is deleted", async () => {
    classicElb({ policies: ['earlier-policy', POLICY] });
    elbState.setBackendServerPolicies(LB, 3306, [POLICY]); // as the killed run left it
    await savePending(reportsDir, {
      runId: RUN_ID,
      scenario: 'aws-classic-elb-v1',
      region: REGION,
      savedAt: '2026-11-26T08:00:00.000Z',
      record: {
        kind: 'classic-elb',
        loadBalancerName: LB,
        instancePort: 3306,
        policyNames: ['earlier-policy'],
        createdPolicy: POLICY,
      },
    });
    const result = await sweep(null, 0);
    expect(result).toEqual({
      restored: [`${RUN_ID}-aws-classic-elb-v1`],
      deleted: [],
      problems: [],
      records: 1,
    });
    expect(classicNow()).toEqual({
      policies: ['earlier-policy'],
      ports: { 3306: ['earlier-policy'] },
    });
    expect(await listPending(reportsDir)).toEqual([]);
  });

  test('an old run policy is taken off every port and deleted; young run policies and other policies stay', async () => {
    const stale = 'proxyproof-20261120-000000-aaaa';
    const young = 'proxyproof-20261126-095900-bbbb';
    classicElb({ policies: [stale, young, 'keep-me', 'proxyproof-proxy-protocol'] });
    elbState.setBackendServerPolicies(LB, 3306, [stale, 'keep-me']);
    elbState.setBackendServerPolicies(LB, 3307, [stale]);
    elbState.setBackendServerPolicies(LB, 3308, [young]);
    const result = await sweep({ region: REGION });
    expect(result).toEqual({ restored: [], deleted: [`${LB}/${stale}`], problems: [], records: 0 });
    expect(classicNow()).toEqual({
      policies: ['keep-me', young, 'proxyproof-proxy-protocol'],
      ports: { 3306: ['keep-me'], 3308: [young] },
    });
  });

  test('run policies are found on every page of DescribeLoadBalancers (AWS pages 400 at a time)', async () => {
    const stale = 'proxyproof-20261120-000000-aaaa';
    const names = Array.from({ length: 401 }, (_, i) => `lb-${String(i + 1).padStart(3, '0')}`);
    for (const name of names) {
      elbState.createLoadBalancer(tcpBalancer(name));
    }
    createPolicy('lb-401', stale);
    elbState.setBackendServerPolicies('lb-401', 3306, [stale]);
    // Precondition: the simulator pages as AWS does (400 by default); without
    // paging, the sweep below would pass without following a single NextMarker.
    const elb = simulatorClient(endpoint, REGION);
    const first = await elb.send(new DescribeLoadBalancersCommand({})).finally(() => elb.destroy());
    expect({
      count: first.LoadBalancerDescriptions?.length,
      more: first.NextMarker !== undefined,
    }).toEqual({ count: 400, more: true });

    const result = await sweep({ region: REGION });
    expect(result.deleted).toEqual([`lb-401/${stale}`]);
    expect(classicNow('lb-401')).toEqual({ policies: [], ports: {} });
  });
});
