import { formatEndpoint } from '../net/endpoint.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Evidence } from './types.ts';

/**
 * passed and failed are verdicts on the evidence; skipped: not run here, with
 * the reason; errored: the harness could not finish it, so there is no verdict.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'errored';

/** The scenario's outcome, derived from its connections' evidence only. */
export function judgeScenario(
  scenario: Scenario,
  evidence: Evidence[],
  /** Each backend's Aborted_connects counter after the clients, read from the server. */
  aborted: { instance: string; abortedConnects: number }[] = [],
): { status: ScenarioStatus; reason: string } {
  const expected = scenario.clients.harness + (scenario.clients.containers ?? 0);
  if (evidence.length !== expected) {
    return {
      status: 'failed',
      reason: `expected evidence for ${expected} connections, have ${evidence.length}`,
    };
  }
  const failing = evidence.filter((e) => !e.verdict.ok);
  if (failing.length > 0) {
    // Reasons carry per-connection ports, so the first failure stands for the rest.
    const first = failing[0]!;
    return {
      status: 'failed',
      reason: `${failing.length} of ${evidence.length} connections failed; ${first.client}: ${first.verdict.reasons.join('; ')}`,
    };
  }
  const health = healthChecks(scenario, aborted);
  if (health?.failed) return { status: 'failed', reason: health.text };
  if (scenario.expect.allBackendsServe) {
    const served = new Set(evidence.flatMap((e) => (e.backend ? [e.backend.instance] : [])));
    const idle = Array.from({ length: scenario.backends }, (_, i) => `backend-${i + 1}`).filter(
      (b) => !served.has(b),
    );
    if (idle.length > 0) {
      return {
        status: 'failed',
        reason: `every backend should serve, but ${idle.join(', ')} received none of the ${evidence.length} connections`,
      };
    }
  }
  if (scenario.expect.backendSees === 'nobody' || (scenario.expect.stackedHeaders ?? 1) > 1) {
    // An expected failure: it passes with the diagnosis its first connection carries.
    const what =
      scenario.expect.backendSees === 'nobody'
        ? 'refused as expected'
        : 'carried the expected duplicate headers';
    return {
      status: 'passed',
      reason: `all ${evidence.length} connections ${what}: ${evidence[0]!.verdict.reasons[0] ?? ''}`,
    };
  }
  if (scenario.expect.backendSees === 'balancer') {
    const balancer = evidence[0]!.balancer.address;
    return {
      status: 'passed',
      reason:
        `all ${evidence.length} connections: no PROXY header on the wire and the backend saw only the balancer's ` +
        `vpc address ${balancer}; the client's origin is lost, as expected for this setup`,
    };
  }
  const checks = health ? `; ${health.text}` : '';
  const unobservable = evidence[0]!.unobservable;
  if (unobservable) {
    const limits = [unobservable.wire, unobservable.balancer, unobservable.originPort]
      .filter(Boolean)
      .join('; ');
    return {
      status: 'passed',
      reason: `all ${evidence.length} connections: the backend's view = the origin's address; not checked here: ${limits}`,
    };
  }
  const destinations = [
    ...new Set(
      evidence.flatMap((e) => (e.wire?.destination ? [formatEndpoint(e.wire.destination)] : [])),
    ),
  ];
  return {
    status: 'passed',
    reason:
      `all ${evidence.length} connections: origin = PROXY header source = backend's view, and none is the balancer; ` +
      `the header's destination (${destinations.join(', ')}) is the balancer's listener, the address the client dialled${checks}`,
  };
}

/** What the health checks did to the backends, against what the scenario expects. */
function healthChecks(
  scenario: Scenario,
  aborted: { instance: string; abortedConnects: number }[],
): { failed: boolean; text: string } | null {
  const expected = scenario.expect.abortedConnects;
  const check = scenario.balancer.healthCheck;
  if (!expected || !check) return null;
  const counts = aborted.map((a) => `${a.instance} ${a.abortedConnects}`).join(', ');
  const total = aborted.reduce((sum, a) => sum + a.abortedConnects, 0);
  const window = `${check.kind} checks every ${check.intervalMs} ms for ${check.runForMs / 1000} s`;
  if (expected === 'none' && total > 0) {
    return {
      failed: true,
      text: `${window} left aborted handshakes on the backends (Aborted_connects: ${counts}); expected none`,
    };
  }
  if (expected === 'some' && aborted.some((a) => a.abortedConnects === 0)) {
    return {
      failed: true,
      text: `${window} left no aborted handshakes on some backend (Aborted_connects: ${counts}); expected every check to abort one`,
    };
  }
  const limit = scenario.backendMaxConnectErrors ?? 100;
  const beyond = aborted.some((a) => a.abortedConnects > limit) ? 'beyond' : 'within';
  // Whether clients were then served is the connections' verdicts, judged separately.
  const effect =
    expected === 'some'
      ? `checks aborted handshakes (Aborted_connects ${counts}, ${beyond} max_connect_errors=${limit})`
      : `no handshake aborted (Aborted_connects ${counts})`;
  return { failed: false, text: `${window}: ${effect}` };
}
