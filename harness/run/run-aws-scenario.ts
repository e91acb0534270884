import { classicElb } from '../aws/classic-elb.ts';
import {
  awsClients,
  missingCredentials,
  restoreBalancer,
  type AwsClients,
  type AwsPlace,
} from '../aws/clients.ts';
import { nlb } from '../aws/nlb.ts';
import type { RemoteBalancer } from '../aws/remote-balancer.ts';
import { clearPending, savePending } from '../aws/restore-journal.ts';
import { readAwsSettings, type AwsSettings } from '../aws/settings.ts';
import { judgeScenario } from '../evidence/scenario-verdict.ts';
import type { Observation } from '../evidence/types.ts';
import { judgeConnection } from '../evidence/verdict.ts';
import { errorKind, errorLine } from '../errors.ts';
import { Interrupted, Steps } from '../lifecycle/steps.ts';
import { probeThroughBalancer, type ProbeResult } from '../probes/mysql-probe.ts';
import type { ScenarioReport } from '../report/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunContext } from './run-scenario.ts';

const NO_CAPTURE =
  "the PROXY header itself: the backends are not proxyproof's, so nothing captures at them (the backend's view stands for it)";

const UNKNOWN = 'unknown (AWS)';
const NO_BALANCER_ADDRESS =
  "that the backend's view is not the balancer's own address: AWS does not name an ELB's node addresses";

/** What a run found; runAwsScenario adds the scenario's name and the time taken. */
type Outcome = Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> &
  Partial<Pick<ScenarioReport, 'connections' | 'warnings' | 'timings'>>;

/** How a scenario reaches AWS; tests swap the clients for the simulator's or mocks. */
export interface AwsAccess {
  env: Record<string, string | undefined>;
  clients: (place: AwsPlace) => AwsClients;
}

const defaultAccess: AwsAccess = { env: process.env, clients: awsClients };

function balancerFor(settings: AwsSettings, clients: AwsClients, runId: string): RemoteBalancer {
  return settings.kind === 'classic-elb'
    ? classicElb(clients.elb, settings, runId)
    : nlb(clients.elbv2, settings);
}

/** One probe as an Observation: origin and backend views; the wire is out of reach. */
function observeRemote(probe: ProbeResult, settings: AwsSettings): Observation {
  const origin =
    probe.origin && settings.originAddress
      ? { address: settings.originAddress, port: probe.origin.port }
      : probe.origin;
  return {
    client: probe.client,
    origin,
    balancer: { address: UNKNOWN, subnet: UNKNOWN, front: null },
    wire: null,
    wireError: null,
    captured: null,
    captureDropped: 0,
    backendTrusts: null,
    backend: probe.backend
      ? { ...probe.backend.host, instance: probe.backend.instance, user: probe.backend.user }
      : null,
    error: probe.error,
    unobservable: {
      wire: NO_CAPTURE,
      balancer: NO_BALANCER_ADDRESS,
      ...(settings.originAddress
        ? {
            originPort:
              "the origin's port: the origin address is PROXYPROOF_ORIGIN_ADDRESS, and NAT may rewrite ports on the way",
          }
        : {}),
    },
  };
}

/** A failure as a person should read it: AWS's exception and words, or the harness's own. */
/**
 * No verdict: AWS refused a call (its exception and words), the settings name
 * something that is not there (a listener missing), or the harness broke.
 */
const awsFailure = (e: unknown): Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> => {
  const fromAws = typeof e === 'object' && e !== null && '$metadata' in e;
  return {
    status: 'errored',
    reason: `${fromAws ? 'AWS: ' : ''}${errorLine(e)}`,
    errorKind: errorKind(e),
  };
};

/**
 * Runs one scenario against a bring-your-own balancer on AWS (or the simulator
 * standing in for it): record its PROXY setting, set it, connect, judge, and
 * always put the setting back — also when interrupted. Without settings or
 * credentials it is skipped with the reason, never passed.
 */
export async function runAwsScenario(
  scenario: Scenario,
  ctx: RunContext,
  access: AwsAccess = defaultAccess,
): Promise<ScenarioReport> {
  const started = performance.now();
  const report = (outcome: Outcome): ScenarioReport => ({
    id: scenario.id,
    title: scenario.title,
    connections: [],
    warnings: [],
    artifacts: [],
    timings: [],
    ...outcome,
    durationMillis: Math.round(performance.now() - started),
  });

  const read = readAwsSettings(scenario.balancer.kind, access.env);
  if (!read.ok) {
    return report({
      status: 'skipped',
      reason: `needs AWS settings (README, "Against AWS"): ${[...read.missing, ...read.malformed].join('; ')}`,
    });
  }
  const settings = read.settings;
  const clients = access.clients(settings);
  try {
    const noCredentials = await missingCredentials(clients);
    if (noCredentials) {
      return report({
        status: 'skipped',
        reason: `no AWS credentials from the SDK's default chain: ${noCredentials}`,
      });
    }
    return report(await exerciseOnAws(scenario, ctx, settings, clients));
  } finally {
    clients.destroy();
  }
}

async function exerciseOnAws(
  scenario: Scenario,
  ctx: RunContext,
  settings: AwsSettings,
  clients: AwsClients,
): Promise<Outcome> {
  const steps = new Steps(ctx.signal, (step, millis) => ctx.announce(scenario.id, step, millis));
  const balancer = balancerFor(settings, clients, ctx.runId);
  const warnings: string[] = [];
  let prepared;
  try {
    prepared = await steps.run(`reading ${balancer.label}`, () => balancer.prepare());
  } catch (e) {
    if (e instanceof Interrupted) throw e;
    return { ...awsFailure(e), timings: steps.timings };
  }
  warnings.push(...prepared.warnings);
  // On disk before the change: a harder kill leaves it for `aws sweep`.
  const journal = await savePending(ctx.reportsDir, {
    runId: ctx.runId,
    scenario: scenario.id,
    region: settings.region,
    endpoint: settings.endpoint,
    savedAt: new Date().toISOString(),
    record: prepared.restore,
  });
  let outcome: Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'>;
  let connections: ScenarioReport['connections'] = [];
  let interrupted: Interrupted | null = null;
  try {
    const on = scenario.balancer.proxyProtocol;
    await steps.run(`turning the PROXY protocol ${on ? 'on' : 'off'}`, () =>
      balancer.setProxyProtocol(on),
    );
    const probes = await steps.run(`connecting ${scenario.clients.harness} clients`, () =>
      probeThroughBalancer(
        prepared.listener,
        settings.mysql,
        scenario.clients.harness,
        undefined,
        ctx.signal,
      ),
    );
    if (ctx.signal.aborted) throw new Interrupted();
    connections = probes.map((p) => {
      const o = observeRemote(p, settings);
      return { ...o, verdict: judgeConnection(scenario.expect, o) };
    });
    outcome = judgeScenario(scenario, connections);
  } catch (e) {
    // Interrupted: restored below, then the interruption goes on (no report).
    if (e instanceof Interrupted) interrupted = e;
    outcome = awsFailure(e);
  }
  // Restoring is not a Step: it must run after Ctrl-C too. Also on the
  // console, which --quiet keeps: a balancer left changed must not go unseen.
  const restored = await restoreOrWarn(clients, prepared.restore, journal, (m) => {
    warnings.push(m);
    ctx.warn(scenario.id, m);
  });
  if (interrupted) throw interrupted;
  if (!restored && outcome.status === 'passed') {
    outcome = { status: 'failed', reason: `${outcome.reason}; but the balancer was not restored` };
  }
  return { ...outcome, connections, warnings, timings: steps.timings };
}

async function restoreOrWarn(
  clients: AwsClients,
  record: Parameters<typeof restoreBalancer>[1],
  journal: string,
  warn: (message: string) => void,
): Promise<boolean> {
  try {
    await restoreBalancer(clients, record);
  } catch (e) {
    warn(
      `could not restore the balancer (${(e as Error).name}: ${(e as Error).message}); the record stays in ${journal}: run npx proxyproof aws sweep --records-only --older-than 0`,
    );
    return false;
  }
  // Restored; a record left behind would only be replayed once more, harmlessly.
  await clearPending(journal).catch((e: Error) =>
    warn(`restored, but could not remove the record ${journal}: ${e.message}`),
  );
  return true;
}
