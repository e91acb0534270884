import { z } from 'zod';
import type { Observation } from '../evidence/types.ts';
import {
  formatEndpoint,
  formatSeen,
  sameAddress,
  sameEndpoint,
  type Endpoint,
} from '../net/endpoint.ts';
import { fine, wrong, type CheckKind, type Finding } from './check.ts';

const options = z
  .object({
    kind: z.literal('header'),
    /** What must be on the wire at the backend for each client connection. */
    version: z.enum(['v1', 'v2', 'none']),
    /** The address family every header must carry (INET6: the clients came over IPv6). */
    family: z.enum(['INET', 'INET6']).optional(),
    /** TLVs every header must carry, by name (CRC32C present means it verified). */
    tlvs: z.array(z.enum(['CRC32C', 'UNIQUE_ID', 'AUTHORITY'])).optional(),
    /** The AUTHORITY TLV's value. */
    authority: z.string().optional(),
    /** How many stacked headers each connection must carry (default 1). */
    stacked: z.number().int().min(1).max(4).optional(),
    /**
     * What the header's destination address must be: `balancer` — the
     * balancer's own address on the backends' network, which the backend also
     * sees as the TCP peer (a Classic ELB); `dialled` — not that address: one
     * the client side dialled, as an NLB's header names (the capture cannot
     * say which address a client dialled, so only the peer is ruled out).
     */
    destination: z.enum(['balancer', 'dialled']).optional(),
  })
  .strict();

type Options = z.infer<typeof options>;
type Seen = Observation & { origin: Endpoint };

const lossNote = (o: Observation) =>
  o.captureDropped > 0
    ? ` (the captures dropped ${o.captureDropped} packet(s), so this may be capture loss)`
    : '';

/** Without a header where none was expected: the connection must be in the captures to prove it. */
function absent(o: Seen): Finding {
  if (o.wire)
    return wrong(
      `a PROXY v${o.wire.version} header was on the wire although none was expected: ${o.wire.raw}`,
    );
  if (!o.captured)
    return wrong(
      `the backend captures hold no connection for this session, so the absence of a header is unproven${lossNote(o)}`,
    );
  return fine();
}

/** What stacked headers did to the backend's view, and what to change. */
export function diagnoseStack(o: Seen): string {
  const stack = o.wire?.stack ?? [];
  const sources = stack.map((h) => (h.source ? formatEndpoint(h.source) : 'none')).join(', then ');
  const backend = o.backend;
  const took = backend
    ? stack.findIndex(
        (h) =>
          h.source !== null &&
          sameAddress(h.source.address, backend.address) &&
          (backend.port === null || h.source.port === backend.port),
      )
    : -1;
  const seen = backend ? formatSeen(backend) : 'nothing';
  const which = took < 0 ? 'none of them' : `header ${took + 1} of ${stack.length}`;
  return `duplicate PROXY header: ${stack.length} stacked headers (sources ${sources}); the backend took ${which} and saw ${seen}; a balancer behind another proxy should accept its header (accept-proxy) rather than add its own`;
}

/** The destination against the TCP peer the capture shows and the balancer's address from Docker. */
function destinationProblems(want: Options['destination'], o: Seen): string[] {
  const destination = o.wire?.destination;
  if (!want || !destination) return [];
  const peer = o.captured?.connection.src;
  if (!peer) return ['the connection is not in the captures, so its TCP peer is unknown'];
  const at = destination.address;
  if (want === 'dialled')
    return sameAddress(at, peer)
      ? [
          `the header's destination ${at} is the TCP peer the backend saw, not an address a client dialled`,
        ]
      : [];
  const own = o.balancer.address;
  return [
    ...(sameAddress(at, peer)
      ? []
      : [`the header's destination ${at} is not the TCP peer the backend saw (${peer})`]),
    ...(own && !sameAddress(at, own)
      ? [`the header's destination ${at} is not the balancer's own address ${own}`]
      : []),
  ];
}

function present(want: Options, o: Seen): Finding {
  if (!o.wire) {
    const at =
      o.captured &&
      formatEndpoint({ address: o.captured.connection.src, port: o.captured.connection.sport });
    return wrong(
      o.captured
        ? `no PROXY header on the wire: the connection ${at} → ${o.captured.instance} began without one${lossNote(o)}`
        : `no PROXY header for origin ${formatEndpoint(o.origin)} in any backend capture${lossNote(o)}`,
    );
  }
  const problems: string[] = [];
  const version = want.version === 'v1' ? 1 : 2;
  if (o.wire.version !== version)
    problems.push(`a PROXY v${o.wire.version} header where v${version} was expected`);
  const stacked = want.stacked ?? 1;
  if (o.wire.stack.length !== stacked) {
    const wanted = stacked === 1 ? 'exactly one was expected' : `${stacked} were expected`;
    problems.push(`${o.wire.stack.length} stacked PROXY headers on one connection; ${wanted}`);
  }
  if (want.family && o.wire.family !== want.family)
    problems.push(`the header's address family is ${o.wire.family}, expected ${want.family}`);
  for (const name of want.tlvs ?? [])
    if (!o.wire.tlvs.some((t) => t.name === name))
      problems.push(`the header lacks the ${name} TLV`);
  if (want.authority !== undefined) {
    const authority = o.wire.tlvs.find((t) => t.name === 'AUTHORITY')?.value;
    if (authority !== want.authority)
      problems.push(
        `AUTHORITY TLV is ${JSON.stringify(authority ?? null)}, expected ${JSON.stringify(want.authority)}`,
      );
  }
  problems.push(...destinationProblems(want.destination, o));
  // The outermost proxy's header (the last) names the client; a forger names its claim.
  const named = o.wire.stack.at(-1)?.source ?? null;
  if (!named) problems.push(`the header carries no source address (${o.wire.family})`);
  else if (o.claimed) {
    if (!sameAddress(named.address, o.claimed.address))
      problems.push(
        `the forged header names ${named.address}, not the claimed ${o.claimed.address}`,
      );
  } else if (!sameEndpoint(named, o.origin)) {
    problems.push(
      `header source ${formatEndpoint(named)} differs from origin ${formatEndpoint(o.origin)}`,
    );
  }
  if (problems.length > 0) return { problems, notes: [] };
  return stacked > 1 ? fine(diagnoseStack(o)) : fine();
}

/**
 * What must be on the wire at the backend: no header, or the expected version
 * (family, TLVs, stack) whose source is the origin. Where the target cannot
 * capture (AWS), nothing is judged and the reason says what was not checked.
 */
export const header: CheckKind<typeof options> = {
  kind: 'header',
  options,
  create: (want) => ({
    name: `header ${want.version}`,
    connection(o) {
      if (!o.origin || o.unobservable?.wire) return fine();
      if (o.wireError)
        return wrong(
          `the PROXY header on the wire is invalid (${o.wireError.code}): ${o.wireError.message}`,
        );
      const seen = { ...o, origin: o.origin };
      return want.version === 'none' ? absent(seen) : present(want, seen);
    },
    passed(evidence) {
      const limits = evidence[0]?.unobservable?.wire;
      if (limits) return `not checked here: ${limits}`;
      if (want.version === 'none') return 'no PROXY header on the wire';
      const first = evidence[0];
      if ((want.stacked ?? 1) > 1 && first?.origin)
        return `every connection carried the expected ${want.stacked} stacked headers: ${diagnoseStack({ ...first, origin: first.origin })}`;
      const claims = [...new Set(evidence.flatMap((e) => (e.claimed ? [e.claimed.address] : [])))];
      if (claims.length > 0)
        return `each forged PROXY ${want.version} header named the claimed ${claims.join(', ')}, and none reached a session as that origin`;
      const destinations = [
        ...new Set(
          evidence.flatMap((e) =>
            e.wire?.destination ? [formatEndpoint(e.wire.destination)] : [],
          ),
        ),
      ];
      const whose = {
        balancer: "the balancer's own address, the TCP peer each backend saw",
        dialled: 'not the TCP peer the backends saw: the listener the client side dialled',
        // Unchecked: said as what the header means, not as a finding.
        unchecked: "the balancer's side of the connection",
      }[want.destination ?? 'unchecked'];
      return `each PROXY ${want.version} header's source is its client's origin; its destination (${destinations.join(', ')}) is ${whose}`;
    },
  }),
};
