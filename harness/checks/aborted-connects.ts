import { z } from 'zod';
import { fine, wrong, type CheckKind, type ScenarioFacts } from './check.ts';

const options = z
  .object({
    kind: z.literal('aborted-connects'),
    /** What the balancer's health checks must have done to the backends: aborted handshakes, or none. */
    expect: z.enum(['some', 'none']),
  })
  .strict();

/** The backends' Aborted_connects counters, read from the servers after the clients. */
const COUNTER = 'Aborted_connects';

function counted(facts: ScenarioFacts) {
  const rows = facts.instances.flatMap((instance) => {
    const n = facts.counters.find((c) => c.instance === instance)?.values[COUNTER];
    return n === undefined ? [] : [{ instance, n }];
  });
  const missing = facts.instances.filter((i) => !rows.some((r) => r.instance === i));
  return {
    rows,
    missing,
    text: rows.map((r) => `${r.instance} ${r.n}`).join(', '),
    window: facts.healthChecks ?? 'with no health checks running,',
  };
}

/**
 * What health checks did to the backends' handshake counters: a plain TCP
 * check aborts one per check (and counts toward host blocking), a PROXY-aware
 * MySQL check none. Whether clients were served is the connections' verdicts.
 */
export const abortedConnects: CheckKind<typeof options> = {
  kind: 'aborted-connects',
  options,
  exclusive: true,
  create: ({ expect }) => ({
    name: `aborted connects: ${expect}`,
    scenario(_, facts) {
      const { rows, missing, text, window } = counted(facts);
      if (missing.length > 0)
        return wrong(
          `${missing.join(', ')} ${missing.length === 1 ? 'reports' : 'report'} no ${COUNTER}, so what the health checks did cannot be read`,
        );
      if (expect === 'none' && rows.some((r) => r.n > 0))
        return wrong(
          `${window} left aborted handshakes on the backends (${COUNTER}: ${text}); expected none`,
        );
      if (expect === 'some' && rows.some((r) => r.n === 0))
        return wrong(
          `${window} left no aborted handshakes on some backend (${COUNTER}: ${text}); expected every check to abort one`,
        );
      return fine();
    },
    passed(_, facts) {
      const { rows, text, window } = counted(facts);
      if (expect === 'none') return `${window}: no handshake aborted (${COUNTER} ${text})`;
      const limit = facts.maxConnectErrors;
      const beyond =
        limit === null
          ? ''
          : `, ${rows.some((r) => r.n > limit) ? 'beyond' : 'within'} max_connect_errors=${limit}`;
      return `${window}: checks aborted handshakes (${COUNTER} ${text}${beyond})`;
    },
  }),
};
