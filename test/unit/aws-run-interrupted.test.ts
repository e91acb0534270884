import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateLoadBalancerPolicyCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import { execa, type ResultPromise } from 'execa';
import { simulatorClient } from '../../harness/aws/local-simulator.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { tcpBalancer } from '../support/classic-balancer.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';
import { simulatorEnv } from '../support/simulator-env.ts';

// A real `proxyproof run` process against the simulator's Classic ELB API (no
// containers): killed while its policy is on, the balancer must end up as it
// was before the run. The "database" accepts TCP and never speaks, so the run
// sits in its connecting step (up to the probe's 15 s deadline) with the policy on.
const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
const LB = 'blog-elb';

let api: Server;
let silent: TcpServer;
const sockets: Socket[] = [];
let endpoint: string;
let state: ElbState;
let reportsDir: string;

const portPolicies = () =>
  state.describeLoadBalancers([LB])[0]!.BackendServerPolicies.get(3306) ?? [];
const policies = () => [...state.describeLoadBalancers([LB])[0]!.Policies.keys()].sort();

const childEnv = () =>
  simulatorEnv('ap-northeast-1', endpoint, {
    PROXYPROOF_CLASSIC_ELB_NAME: LB,
    PROXYPROOF_CLASSIC_ELB_LISTENER: `127.0.0.1:${(silent.address() as AddressInfo).port}`,
    PROXYPROOF_MYSQL_USER: 'proxyproof',
  });

/** Starts a run of the Classic AWS scenario; resolves once its policy is on (wrapped: a bare child would be awaited). */
async function runUntilPolicyOn(): Promise<{ child: ResultPromise }> {
  const child = execa(
    'node',
    [BIN, 'run', '--only', 'aws-classic-elb-v1', '--reports', reportsDir],
    // No SIGKILL behind our signal: the run's own handling is under test.
    { env: childEnv(), extendEnv: false, reject: false, forceKillAfterDelay: false },
  );
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (/enabling the policy through the ELB API \d/.test(err)) resolve();
    });
    // Fire and forget: with reject: false the child never rejects; ending first fails the wait.
    void child.then((r) => reject(new Error(`the run ended first:\n${r.stderr}`)));
  });
  return { child };
}

beforeAll(async () => {
  state = new ElbState();
  state.createLoadBalancer(tcpBalancer(LB));
  ({ server: api, endpoint } = await startElbApi(state));
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  // Before the run the port already has a policy of its own (the header off).
  const elb = simulatorClient(endpoint);
  await elb.send(
    new CreateLoadBalancerPolicyCommand({
      LoadBalancerName: LB,
      PolicyName: 'existing-off',
      PolicyTypeName: 'ProxyProtocolPolicyType',
      PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'false' }],
    }),
  );
  await elb.send(
    new SetLoadBalancerPoliciesForBackendServerCommand({
      LoadBalancerName: LB,
      InstancePort: 3306,
      PolicyNames: ['existing-off'],
    }),
  );
  elb.destroy();
});

beforeEach(async () => {
  reportsDir = await mkdtemp(join(tmpdir(), 'proxyproof-aws-kill-'));
  // Each test starts from the same "before": whatever an earlier one left is undone.
  state.setBackendServerPolicies(LB, 3306, ['existing-off']);
  for (const p of policies()) if (p !== 'existing-off') state.deletePolicy(LB, p);
});
afterEach(() => rm(reportsDir, { recursive: true, force: true }));

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await new Promise((resolve) => api.close(resolve));
});

const RUN = 60_000;

describe('killing an AWS run mid-way', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s while the policy is on: the port and the policies are as before the run',
    async (signal) => {
      const { child } = await runUntilPolicyOn();
      expect(portPolicies()).toEqual([expect.stringMatching(/^proxyproof-\d{8}-\d{6}-/)]);
      child.kill(signal);
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(portPolicies()).toEqual(['existing-off']);
      expect(policies()).toEqual(['existing-off']);
      expect(await readdir(join(reportsDir, 'aws-pending'))).toEqual([]);
    },
    RUN,
  );

  test(
    'SIGKILL leaves a restore record; aws sweep puts the balancer back from it',
    async () => {
      const { child } = await runUntilPolicyOn();
      child.kill('SIGKILL');
      await child;
      expect(portPolicies()).not.toEqual(['existing-off']);
      expect(await readdir(join(reportsDir, 'aws-pending'))).toHaveLength(1);

      const sweep = await execa(
        'node',
        [BIN, 'aws', 'sweep', '--records-only', '--older-than', '0', '--reports', reportsDir],
        { env: childEnv(), extendEnv: false, reject: false },
      );
      expect(sweep.stderr).toBe('');
      expect(sweep.stdout).toMatch(/^restored \d{8}-\d{6}-[0-9a-f]+-aws-classic-elb-v1$/m);
      expect(sweep.exitCode).toBe(0);
      expect(portPolicies()).toEqual(['existing-off']);
      expect(policies()).toEqual(['existing-off']);
      expect(await readdir(join(reportsDir, 'aws-pending'))).toEqual([]);
    },
    RUN,
  );
});
