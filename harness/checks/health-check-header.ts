import { z } from 'zod';
import type { BalancerConnection } from '../evidence/types.ts';
import { formatEndpoint, sameAddress } from '../net/endpoint.ts';
import { fine, wrong, type CheckKind, type Finding } from './check.ts';

const options = z
  .object({
    kind: z.literal('health-check-header'),
    /**
     * What the balancer's own connections (its health checks) must begin
     * with, as AWS sends them: `classic-v1` — v1 whose source and destination
     * are both the balancer's own address (a Classic ELB TCP check to a port
     * with the policy); `nlb-v2-local` — v2 LOCAL with a verified CRC32C and a
     * NOOP TLV and no address block (an NLB TCP check with proxy_protocol_v2);
     * `none` — no header (HTTP checks, or the protocol off).
     */
    expect: z.enum(['classic-v1', 'nlb-v2-local', 'none']),
  })
  .strict();

type Expect = z.infer<typeof options>['expect'];

/** What is wrong with one check connection's header, against the shape expected. */
function shapeProblems(expect: Expect, c: BalancerConnection, balancer: string): string[] {
  const at = `${formatEndpoint(c.from)} → ${c.instance}`;
  if (c.wireError) return [`${at}: an invalid PROXY header (${c.wireError.code})`];
  const w = c.wire;
  if (expect === 'none') return w ? [`${at}: a PROXY v${w.version} header: ${w.raw}`] : [];
  // Checks run from the balancer's start, before the protocol is turned on through the API.
  if (!w) return [];
  if (expect === 'classic-v1') {
    const ok =
      w.version === 1 &&
      w.source !== null &&
      w.destination !== null &&
      sameAddress(w.source.address, balancer) &&
      sameAddress(w.destination.address, balancer);
    return ok ? [] : [`${at}: not a v1 header from and to ${balancer}: ${w.raw}`];
  }
  const names = w.tlvs.map((t) => t.name);
  const ok =
    w.version === 2 &&
    w.command === 'LOCAL' &&
    w.source === null &&
    names.includes('CRC32C') &&
    names.includes('NOOP');
  return ok ? [] : [`${at}: not a v2 LOCAL header with CRC32C and NOOP: ${w.raw}`];
}

/** One sentence on what the first check carried, decoded. */
const described = (c: BalancerConnection): string =>
  c.wire
    ? [
        `PROXY v${c.wire.version} (${c.wire.command}, ${c.wire.family})`,
        c.wire.source && c.wire.destination
          ? ` ${formatEndpoint(c.wire.source)} → ${formatEndpoint(c.wire.destination)}`
          : ', no addresses',
        c.wire.tlvs.length ? `, TLVs ${c.wire.tlvs.map((t) => t.name).join(', ')}` : '',
      ].join('')
    : 'no PROXY header';

/**
 * The balancer's health checks as the backends' captures show them: at least
 * one carried the header AWS's checks carry, and none carried another.
 */
export const healthCheckHeader: CheckKind<typeof options> = {
  kind: 'health-check-header',
  options,
  exclusive: true,
  create: ({ expect }) => ({
    name: `health-check header: ${expect}`,
    scenario(_, facts): Finding {
      const seen = facts.balancerConnections;
      const balancer = facts.balancerAddress;
      if (seen === null || balancer === null)
        return wrong(
          "the target captures nothing at the backends, so the checks' bytes are unseen",
        );
      if (seen.length === 0)
        return wrong(
          `no connection from the balancer's own address ${balancer} in the captures: no health check reached a backend`,
        );
      const problems = seen.flatMap((c) => shapeProblems(expect, c, balancer));
      if (problems.length > 0) return wrong(...problems.slice(0, 5));
      if (expect !== 'none' && !seen.some((c) => c.wire))
        return wrong(
          `none of the balancer's ${seen.length} health-check connection(s) carried a PROXY header`,
        );
      return fine();
    },
    passed(_, facts) {
      const seen = facts.balancerConnections ?? [];
      const headed = seen.filter((c) => c.wire);
      if (expect === 'none' || headed.length === 0)
        return `the balancer's ${seen.length} health-check connection(s) carried no PROXY header`;
      const before = seen.length - headed.length;
      const earlier =
        before > 0
          ? `; ${before} earlier one(s), before the protocol was turned on, carried none`
          : '';
      return `the balancer's ${headed.length} health-check connection(s) with a header each began with ${described(headed[0]!)}${earlier}`;
    },
  }),
};
