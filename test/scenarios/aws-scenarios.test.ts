import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeTargetGroupAttributesCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { execa } from 'execa';
import { nlbSimulatorClient, simulatorClient } from '../../harness/aws/local-simulator.ts';
import { sameAddress } from '../../harness/net/endpoint.ts';
import type { RunReport } from '../../harness/report/types.ts';
import { whileSimulating, type Ready } from '../support/simulation.ts';
import { simulatorEnv } from '../support/simulator-env.ts';

// The AWS scenarios as shipped, run by `proxyproof run` with AWS settings that
// point at `proxyproof simulate`: the provider code that runs against AWS, with
// the simulator's endpoint and dummy credentials. Nothing here reaches AWS.
const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
const CONTAINERS = 15 * 60_000;

type ClassicReady = Ready & { loadBalancerName: string };
type NlbReady = Ready & { targetGroupArn: string };

/** Only what a CI job would set, pointing at this simulation. */
const awsEnv = (ready: Ready, settings: Record<string, string>) =>
  simulatorEnv(ready.region, ready.endpoint, {
    PROXYPROOF_MYSQL_USER: ready.mysql.user,
    PROXYPROOF_MYSQL_PASSWORD: ready.mysql.password,
    ...settings,
  });

/** `proxyproof run --only <id>` in its own reports folder; its exit code and report. */
async function runScenario(id: string, env: Record<string, string>) {
  const reports = await mkdtemp(join(tmpdir(), 'proxyproof-aws-run-'));
  try {
    const r = await execa('node', [BIN, 'run', '--only', id, '--reports', reports], {
      env,
      extendEnv: false,
      reject: false,
    });
    const report = JSON.parse(
      await readFile(join(reports, 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    return { exitCode: r.exitCode, stderr: r.stderr, scenario: report.scenarios[0]! };
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}

const listener = (ready: Ready) => `${ready.listener.host}:${ready.listener.port}`;

describe('the AWS scenarios with settings pointing at the simulator', () => {
  test(
    'aws-classic-elb-v1 passes, leaves the policies as they were, and fails when the origin is not who the backend saw',
    () =>
      whileSimulating<ClassicReady>([], async (ready) => {
        const env = awsEnv(ready, {
          PROXYPROOF_CLASSIC_ELB_NAME: ready.loadBalancerName,
          PROXYPROOF_CLASSIC_ELB_LISTENER: listener(ready),
        });
        const passed = await runScenario('aws-classic-elb-v1', env);
        expect(`${passed.scenario.status}: ${passed.scenario.reason}`).toMatch(/^passed: /);
        expect(passed.exitCode).toBe(0);
        expect(passed.scenario.reason).toMatch(/not checked here: the PROXY header itself/);
        for (const c of passed.scenario.connections) {
          expect(sameAddress(c.backend!.address, c.origin!.address)).toBe(true);
          expect(sameAddress(c.backend!.address, ready.balancerVpcAddress)).toBe(false);
        }

        const elb = simulatorClient(ready.endpoint, ready.region);
        const lb = (
          await elb.send(
            new DescribeLoadBalancersCommand({ LoadBalancerNames: [ready.loadBalancerName] }),
          )
        ).LoadBalancerDescriptions![0]!;
        elb.destroy();
        expect(lb.BackendServerDescriptions).toEqual([]);
        expect(lb.Policies?.OtherPolicies).toEqual([]);

        // The break: the runner claims an origin the backend did not see.
        const broken = await runScenario('aws-classic-elb-v1', {
          ...env,
          PROXYPROOF_ORIGIN_ADDRESS: '198.51.100.7',
        });
        expect(broken.scenario.status).toBe('failed');
        expect(broken.scenario.reason).toMatch(/saw .*, not the client 198\.51\.100\.7/);
        expect(broken.exitCode).toBe(1);
      }),
    CONTAINERS,
  );

  test(
    'aws-nlb-v2 passes and leaves proxy_protocol_v2.enabled as it was',
    () =>
      whileSimulating<NlbReady>(['--kind', 'nlb'], async (ready) => {
        const env = awsEnv(ready, {
          PROXYPROOF_NLB_TARGET_GROUP_ARN: ready.targetGroupArn,
          PROXYPROOF_NLB_LISTENER: listener(ready),
        });
        const elbv2 = nlbSimulatorClient(ready.endpoint, ready.region);
        // As on AWS, instance targets preserve the client's address by default, and the backends
        // (trusting the vpc only) then refuse the header from it; this NLB has it turned off.
        await elbv2.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: ready.targetGroupArn,
            Attributes: [{ Key: 'preserve_client_ip.enabled', Value: 'false' }],
          }),
        );
        const passed = await runScenario('aws-nlb-v2', env);
        expect(`${passed.scenario.status}: ${passed.scenario.reason}`).toMatch(/^passed: /);
        expect(passed.exitCode).toBe(0);

        const attrs = await elbv2.send(
          new DescribeTargetGroupAttributesCommand({ TargetGroupArn: ready.targetGroupArn }),
        );
        elbv2.destroy();
        expect(attrs.Attributes?.find((a) => a.Key === 'proxy_protocol_v2.enabled')?.Value).toBe(
          'false',
        );
      }),
    CONTAINERS,
  );
});

test('without AWS settings the AWS scenarios are skipped with the reason, need no Docker, and are no green run', async () => {
  const reports = await mkdtemp(join(tmpdir(), 'proxyproof-aws-none-'));
  try {
    const r = await execa('node', [BIN, 'run', '--only', 'aws-*', '--reports', reports], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: 'unix:///nonexistent.sock' },
      extendEnv: false,
      reject: false,
    });
    // Nothing was checked: exit 2, never 0.
    expect(r.exitCode).toBe(2);
    const report = JSON.parse(
      await readFile(join(reports, 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    expect(report.scenarios.map((s) => [s.id, s.status])).toEqual([
      ['aws-classic-elb-v1', 'skipped'],
      ['aws-nlb-v2', 'skipped'],
    ]);
    for (const s of report.scenarios) expect(s.reason).toMatch(/^needs AWS settings .*is not set/);
    expect(r.stderr).toMatch(/0 passed, 0 failed, 0 errored, 2 skipped/);
    expect(r.stderr).toContain('nothing was checked: all 2 selected scenario(s) were skipped');
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}, 60_000);
