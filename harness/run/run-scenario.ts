// The one pipeline every scenario runs through, on every target:
// start → enable the PROXY protocol → exercise → observe → check → tear down or restore.
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import type { Check, ScenarioFacts } from '../checks/check.ts';
import { judgeConnection, judgeScenario } from '../checks/judge.ts';
import { BALANCERS, CHECKS, CLIENTS, kindOf } from '../components/kinds.ts';
import type { BalancerKind, ClientKind, ClientRun } from '../components/types.ts';
import type { CheckKind } from '../checks/check.ts';
import { errorKind, errorLine, HarnessDefect } from '../errors.ts';
import { balancerConnections } from '../evidence/correlate.ts';
import type { Evidence } from '../evidence/types.ts';
import { Interrupted, Steps } from '../lifecycle/steps.ts';
import { Teardown } from '../lifecycle/teardown.ts';
import { tallyConnections, type ConnectionTally } from '../report/connection-tally.ts';
import type { ScenarioComponents, ScenarioReport } from '../report/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { awsTarget } from '../targets/aws.ts';
import { local } from '../targets/local.ts';
import type { Stage, Target } from '../targets/target.ts';
import type { RunContext } from './context.ts';

/** The targets a scenario can name; tests put the AWS one in front of the simulator. */
export type Targets = Record<Scenario['target'], Target>;
const TARGETS: Targets = { local, aws: awsTarget() };

const checksOf = (s: Scenario): Check[] =>
  s.checks.map((c) => kindOf<CheckKind>(CHECKS, c.kind).create(c));
const clientKind = (c: Scenario['clients'][number]) => kindOf<ClientKind>(CLIENTS, c.kind);
const expectedConnections = (s: Scenario) =>
  s.clients.reduce((n, c) => n + clientKind(c).count(c), 0);

/** What the scenario's components are, for the report. */
function componentsOf(s: Scenario, stage: Stage | null): ScenarioComponents {
  return {
    balancer: stage?.balancer.info ?? { kind: s.balancer.kind },
    backends: stage?.backends.info ?? { kind: s.backends.kind },
    fronts: stage?.fronts.map((f) => f.info) ?? s.fronts.map((f) => ({ kind: f.kind })),
    clients: s.clients.map((c) => clientKind(c).info(c)),
    checks: checksOf(s).map((c) => c.name),
  };
}

/**
 * The key under which scenarios share one topology, or null when a scenario
 * must have its own: AWS scenarios, and those whose clients or checks read or
 * change server-wide state (a forger widening trust, client containers
 * matched through the balancer's whole log, health-check counters).
 */
export function shareKey(s: Scenario): string | null {
  const exclusive =
    s.target !== 'local' ||
    s.clients.some((c) => clientKind(c).exclusive) ||
    s.checks.some((c) => kindOf<CheckKind>(CHECKS, c.kind).exclusive === true);
  return exclusive ? null : JSON.stringify([s.balancer, s.backends, s.fronts]);
}

/**
 * No verdict: the harness could not finish, for the environment's sake (AWS
 * refusing a call, with its exception and words; an engine error) or its own.
 */
const harnessFailure = (e: unknown): Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> => {
  const fromAws = typeof e === 'object' && e !== null && '$metadata' in e;
  return {
    status: 'errored',
    reason: `${fromAws ? 'AWS: ' : 'the harness could not complete the scenario: '}${errorLine(e)}`,
    errorKind: errorKind(e),
  };
};

/** One scenario's clients on the running stage, then its backends' counters. */
async function exercise(s: Scenario, stage: Stage, steps: Steps, signal: AbortSignal) {
  if (stage.balancer.warmUpMs > 0)
    await steps.run(`letting health checks run ${stage.balancer.warmUpMs / 1000} s`, () =>
      sleep(stage.balancer.warmUpMs),
    );
  const context = {
    listener: stage.fronts[0]?.listener ?? stage.balancer.listener,
    whoAmI: stage.backends.whoAmI,
    prefix: stage.fronts.find((f) => f.clientPrefix)?.clientPrefix ?? null,
    probe: stage.probe,
    backends: stage.backends.instances,
    balancer: stage.balancer,
    stage: stage.local,
    signal,
  };
  const startedAt = performance.now();
  const runs: ClientRun[] = await steps.run(`connecting ${expectedConnections(s)} clients`, () =>
    Promise.all(s.clients.map((c) => clientKind(c).run(context, c))),
  );
  if (signal.aborted) throw new Interrupted();
  // Read before the captures are collected: the capture's own marker connection aborts one handshake.
  const counters = await steps.run("reading the backends' counters", () =>
    Promise.all(
      stage.backends.instances.map(async (b) => ({ instance: b.name, values: await b.counters() })),
    ),
  );
  return {
    probes: runs.flatMap((r) => r.probes),
    warnings: runs.flatMap((r) => r.warnings),
    counters,
    /** When the clients were started: a tally's rate runs from here to the last verdict. */
    startedAt,
  };
}

/** The step that turns the PROXY protocol on (or off) the way the balancer's API does. */
const enableStep = (s: Scenario) => {
  const kind = kindOf<BalancerKind>(BALANCERS, s.balancer.kind);
  return kind.proxyProtocol(s.balancer)
    ? `enabling ${kind.enabling}`
    : 'making sure the PROXY protocol is off';
};

/**
 * Runs scenarios that share one stage (usually just one scenario): start its
 * components on the target, turn the PROXY protocol on or off through the
 * balancer's API, drive each scenario's clients in turn, observe once (the
 * captures, where the target has them), judge each scenario on its own
 * connections with its own checks; and always tear down or restore.
 */
export async function runScenarioGroup(
  group: Scenario[],
  ctx: RunContext,
  targets: Targets = TARGETS,
): Promise<ScenarioReport[]> {
  const first = group[0]!;
  const target = targets[first.target];
  const started = performance.now();
  const skip = await target.skipReason(first, ctx);
  if (skip) {
    return group.map((s) => ({
      id: s.id,
      title: s.title,
      target: s.target,
      components: componentsOf(s, null),
      status: 'skipped' as const,
      reason: skip,
      connections: [],
      warnings: [],
      artifacts: [],
      timings: [],
      durationMillis: Math.round(performance.now() - started),
    }));
  }
  const name = group.map((s) => s.id).join('+');
  const dirs = group.map((s) => join(ctx.runDir, s.id));
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
  const teardown = new Teardown();
  const shared = new Steps(
    ctx.signal,
    (step, millis) => ctx.announce(name, step, millis),
    ctx.origin,
  );
  const own = group.map(
    (s) => new Steps(ctx.signal, (step, millis) => ctx.announce(s.id, step, millis), ctx.origin),
  );
  const artifacts: string[] = [];
  let stage: Stage | null = null;
  const results = group.map(() => ({
    outcome: null as Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> | null,
    connections: [] as Evidence[],
    tally: null as ConnectionTally | null,
    warnings: [] as string[],
  }));

  try {
    stage = await target.start(first, ctx, teardown, shared, group);
    for (const r of results) r.warnings.push(...stage.warnings);
    const on = kindOf<BalancerKind>(BALANCERS, first.balancer.kind).proxyProtocol(first.balancer);
    const running = stage;
    await shared.run(enableStep(first), () => running.balancer.setProxyProtocol(on));
    for (const [file, content] of Object.entries({
      ...running.balancer.artifacts(),
      ...Object.assign({}, ...running.fronts.map((f) => f.artifacts())),
    } as Record<string, string>)) {
      const path = join(dirs[0]!, file);
      await writeFile(path, content);
      artifacts.push(relative(ctx.runDir, path));
    }

    const exercised: (Awaited<ReturnType<typeof exercise>> | undefined)[] = [];
    for (const [i, scenario] of group.entries()) {
      try {
        const run = await exercise(scenario, running, own[i]!, ctx.signal);
        exercised[i] = run;
        results[i]!.warnings.push(...run.warnings);
      } catch (e) {
        if (e instanceof Interrupted) throw e;
        results[i]!.outcome = harnessFailure(e);
      }
    }
    // One observation for the group: each scenario's connections are found by their own ports.
    const { captures, files } = await shared.run('collecting what reached the backends', () =>
      running.collect(dirs[0]!),
    );
    artifacts.push(...files.map((f) => relative(ctx.runDir, f)));
    const observed = exercised.map((run) =>
      run ? run.probes.map((probe) => running.observe(probe, captures)) : [],
    );
    // What the balancer opened itself: every captured connection no client of the group made.
    const balancersOwn = balancerConnections(
      captures,
      running.balancer.vpcAddress,
      observed.flat().map((o) => o.captured),
    );
    for (const [i, scenario] of group.entries()) {
      const run = exercised[i];
      if (!run) continue;
      const checks = checksOf(scenario);
      const connections = observed[i]!.map((observation) => ({
        ...observation,
        verdict: judgeConnection(checks, observation),
      }));
      const facts: ScenarioFacts = {
        instances: running.backends.instances.map((b) => b.name),
        counters: run.counters,
        healthChecks: running.balancer.healthChecks,
        maxConnectErrors: running.backends.maxConnectErrors,
        balancerConnections: balancersOwn,
        balancerAddress: running.balancer.vpcAddress,
      };
      results[i]!.outcome = judgeScenario(
        checks,
        connections,
        facts,
        expectedConnections(scenario),
      );
      const { rows, tally } = tallyConnections(connections, performance.now() - run.startedAt);
      results[i]!.connections = rows;
      results[i]!.tally = tally;
    }
  } catch (e) {
    if (e instanceof Interrupted) {
      await shared.always('cleaning up', () => teardown.run());
      throw e;
    }
    for (const r of results) r.outcome ??= harnessFailure(e);
  }
  // After Ctrl-C too (above); a balancer left changed decides the outcome below.
  const failures = await shared.always('cleaning up', () => teardown.run());
  for (const f of failures) ctx.warn(name, `cleanup problem: ${f.message}`);
  const critical = failures.filter((f) => f.critical).map((f) => f.message);
  return group.map((scenario, i) => {
    const r = results[i]!;
    let outcome =
      r.outcome ?? harnessFailure(new HarnessDefect('the scenario produced no outcome'));
    if (critical.length > 0 && outcome.status === 'passed')
      outcome = {
        status: 'errored',
        errorKind: 'environment',
        reason: `${outcome.reason}; but ${critical.join('; ')}`,
      };
    return {
      id: scenario.id,
      title: scenario.title,
      target: scenario.target,
      components: componentsOf(scenario, stage),
      ...outcome,
      connections: r.connections,
      ...(r.tally ? { tally: r.tally } : {}),
      warnings: [...r.warnings, ...critical],
      artifacts,
      timings: [...shared.timings, ...own[i]!.timings],
      durationMillis: Math.round(performance.now() - started),
    };
  });
}
