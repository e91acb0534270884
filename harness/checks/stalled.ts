import { z } from 'zod';
import type { Observation } from '../evidence/types.ts';
import { fine, wrong, type CheckKind, type ScenarioFacts } from './check.ts';

const options = z
  .object({
    kind: z.literal('stalled'),
  })
  .strict();

/** What a session that never got the server's first word ends with, as the probes say it. */
const SILENT = /^(TIMEOUT|CONNECTION_CLOSED):/;

/** The balancer's connections to the backends that carried no PROXY header, and all of them. */
function headerless(facts: ScenarioFacts): { bare: number; all: number } | null {
  const own = facts.balancerConnections;
  if (own === null) return null;
  return { bare: own.filter((c) => !c.wire && !c.wireError).length, all: own.length };
}

/**
 * Every session stalls before the server speaks: the server waits for the
 * PROXY header before it speaks first, while the balancer (an NLB, header
 * placement on_first_ack_with_payload) holds the header until the client's
 * first payload, and the client waits for the server. Expected, and shown
 * from both ends: each client heard nothing, and the backends' captures hold
 * the balancer's connections without a header.
 */
export const stalled: CheckKind<typeof options> = {
  kind: 'stalled',
  options,
  exclusive: true,
  create: () => ({
    name: 'stalled before the server spoke',
    expectsRefusal: true,
    connection(o: Observation) {
      if (!o.origin) return fine();
      if (o.backend)
        return wrong(`the server answered (${o.backend.address}), so the session did not stall`);
      if (o.error === null || !SILENT.test(o.error))
        return wrong(
          `expected no word from the server, but the session ended otherwise: ${o.error}`,
        );
      return fine();
    },
    scenario(evidence, facts) {
      const seen = headerless(facts);
      if (seen === null)
        return wrong('nothing is captured here, so where the header was is unseen');
      const connected = evidence.filter((e) => e.origin).length;
      if (seen.bare < connected)
        return wrong(
          `the backends' captures hold ${seen.bare} connection(s) from the balancer without a header, fewer than the ${connected} sessions that stalled`,
        );
      return fine();
    },
    passed(evidence, facts) {
      const seen = headerless(facts);
      const first = evidence.find((e) => e.error)?.error ?? '';
      return `every session stalled (${first.split(':')[0]}): the backends' captures hold ${seen?.bare ?? 0} connection(s) from the balancer that carried no PROXY header, because the balancer holds it until the client's first payload (an NLB's header_placement on_first_ack_with_payload) while this server waits for the header before it speaks first and the client waits for the server; a server that speaks first needs the header at connect (a Classic ELB, HAProxy's send-proxy, or on_first_ack through AWS support) or must greet before reading it`;
    },
  }),
};
