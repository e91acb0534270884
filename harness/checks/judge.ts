// Verdicts from a scenario's checks: per connection, then for the scenario.
// Pure: what was observed in, verdicts out; nothing here is typed in by hand.
import type { ScenarioStatus } from '../report/types.ts';
import type { Evidence, Observation, Verdict } from '../evidence/types.ts';
import { sameAddress } from '../net/endpoint.ts';
import type { Check, ScenarioFacts } from './check.ts';
import { preservationAdvice, trustAdvice } from './refused.ts';

/**
 * MariaDB names the sender it refused a header from; when that is the client
 * itself, the balancer is preserving client addresses (where nothing is
 * captured, as on AWS, this is the only sign of it).
 */
function fromClientItself(o: Observation): string {
  const sender = /Proxy header is not accepted from (\S+)/.exec(o.error ?? '')?.[1];
  if (!sender || !o.origin || !sameAddress(sender, o.origin.address)) return '';
  return `; the header came from the client's own address, so ${preservationAdvice(o)}`;
}

/**
 * One connection against every check. What holds for every scenario comes
 * first: the client reached the balancer, its origin is not the balancer's
 * own address (else the views cannot tell them apart), and its session did
 * not fail unless a check expects a refusal. Problems fail it; a pass keeps
 * the checks' notes (an expected refusal's diagnosis).
 */
export function judgeConnection(checks: readonly Check[], o: Observation): Verdict {
  if (!o.origin)
    return {
      ok: false,
      reasons: [`the client never reached the balancer: ${o.error ?? 'no socket'}`],
    };
  const problems: string[] = [];
  const notes: string[] = [];
  if (o.balancer.address !== null && sameAddress(o.origin.address, o.balancer.address))
    problems.push(
      `origin ${o.origin.address} equals the balancer's vpc address, so the views cannot tell client from balancer`,
    );
  if (o.error !== null && !checks.some((c) => c.expectsRefusal)) {
    // A header reached it and then the session ended: the likeliest cause is whom it trusts.
    const afterHeader =
      o.wire && o.captured
        ? `; the backend ended it after a PROXY header from ${o.captured.connection.src}: if it does not trust that sender, ${trustAdvice(o)}`
        : '';
    problems.push(`the client's session failed: ${o.error}${afterHeader}${fromClientItself(o)}`);
  }
  // Whatever else a scenario checks, a backend that took a forged origin is a finding.
  if (o.claimed && o.backend && sameAddress(o.backend.address, o.claimed.address))
    problems.push(
      `SECURITY: backend ${o.backend.instance} accepted the forged origin ${o.claimed.address} from ${o.origin.address}, a host that is not the balancer`,
    );
  for (const check of checks) {
    const found = check.connection?.(o);
    if (!found) continue;
    problems.push(...found.problems);
    notes.push(...found.notes);
  }
  return problems.length > 0 ? { ok: false, reasons: problems } : { ok: true, reasons: notes };
}

/** The scenario's outcome, derived from its connections' evidence and the facts only. */
export function judgeScenario(
  checks: readonly Check[],
  evidence: Evidence[],
  facts: ScenarioFacts,
  /** How many connections the clients were asked to make. */
  expected: number,
): { status: ScenarioStatus; reason: string } {
  if (evidence.length !== expected)
    return {
      status: 'failed',
      reason: `expected evidence for ${expected} connections, have ${evidence.length}`,
    };
  const failing = evidence.filter((e) => !e.verdict.ok);
  if (failing.length > 0) {
    // Reasons carry per-connection ports, so the first failure stands for the rest.
    const first = failing[0]!;
    return {
      status: 'failed',
      reason: `${failing.length} of ${evidence.length} connections failed; ${first.client}: ${first.verdict.reasons.join('; ')}`,
    };
  }
  const problems = checks.flatMap((c) => c.scenario?.(evidence, facts).problems ?? []);
  if (problems.length > 0) return { status: 'failed', reason: problems.join('; ') };
  const balancerUnknown = evidence[0]?.unobservable?.balancer;
  const clauses = [
    ...checks.flatMap((c) => c.passed?.(evidence, facts) ?? []),
    ...(balancerUnknown ? [`not checked here: ${balancerUnknown}`] : []),
  ];
  return {
    status: 'passed',
    reason: `all ${evidence.length} connections passed: ${clauses.join('; ')}`,
  };
}
