import { formatEndpoint, sameAddress, sameEndpoint, type Endpoint } from '../net/endpoint.ts';
import type { Expectation } from '../scenario/schema.ts';
import type { Observation, Verdict } from './types.ts';

type Seen = Observation & { origin: Endpoint };

const lossNote = (o: Seen) =>
  o.captureDropped > 0
    ? ` (the captures dropped ${o.captureDropped} packet(s), so this may be capture loss)`
    : '';

/** What the wire view must show: no header, or exactly one of the expected version from the origin. */
function wireProblems(expect: Expectation, o: Seen): string[] {
  if (o.unobservable?.wire) return [];
  const origin = formatEndpoint(o.origin);
  if (o.wireError)
    return [
      `the PROXY header on the wire is invalid (${o.wireError.code}): ${o.wireError.message}`,
    ];
  if (expect.header === 'none') {
    if (o.wire)
      return [
        `a PROXY v${o.wire.version} header was on the wire although none was expected: ${o.wire.raw}`,
      ];
    if (!o.captured)
      return [
        `the backend captures hold no connection for this session, so the absence of a header is unproven${lossNote(o)}`,
      ];
    return [];
  }
  if (!o.wire) {
    const at =
      o.captured &&
      formatEndpoint({ address: o.captured.connection.src, port: o.captured.connection.sport });
    return [
      o.captured
        ? `no PROXY header on the wire: the connection ${at} → ${o.captured.instance} began without one${lossNote(o)}`
        : `no PROXY header for origin ${origin} in any backend capture${lossNote(o)}`,
    ];
  }
  const problems: string[] = [];
  const expectedVersion = expect.header === 'v1' ? 1 : 2;
  if (o.wire.version !== expectedVersion)
    problems.push(`a PROXY v${o.wire.version} header where v${expectedVersion} was expected`);
  const stacked = expect.stackedHeaders ?? 1;
  if (o.wire.stack.length !== stacked) {
    const wanted = stacked === 1 ? 'exactly one was expected' : `${stacked} were expected`;
    problems.push(`${o.wire.stack.length} stacked PROXY headers on one connection; ${wanted}`);
  }
  if (expect.family && o.wire.family !== expect.family) {
    problems.push(`the header's address family is ${o.wire.family}, expected ${expect.family}`);
  }
  for (const name of expect.tlvs ?? []) {
    if (!o.wire.tlvs.some((t) => t.name === name))
      problems.push(`the header lacks the ${name} TLV`);
  }
  if (expect.authority !== undefined) {
    const authority = o.wire.tlvs.find((t) => t.name === 'AUTHORITY')?.value;
    if (authority !== expect.authority) {
      problems.push(
        `AUTHORITY TLV is ${JSON.stringify(authority ?? null)}, expected ${JSON.stringify(expect.authority)}`,
      );
    }
  }
  // The outermost proxy's header (the last) is the one that names the client.
  const client = o.wire.stack[o.wire.stack.length - 1]?.source ?? null;
  if (!client) problems.push(`the header carries no source address (${o.wire.family})`);
  else if (expect.forgedSource !== undefined) {
    if (!sameAddress(client.address, expect.forgedSource)) {
      problems.push(
        `the forged header names ${client.address}, not the claimed ${expect.forgedSource}`,
      );
    }
  } else if (!sameAddress(client.address, o.origin.address) || client.port !== o.origin.port) {
    problems.push(`header source ${formatEndpoint(client)} differs from origin ${origin}`);
  }
  return problems;
}

/** What the backend view must show: the client, the balancer, or a session at all. */
function backendProblems(expect: Expectation, o: Seen): string[] {
  const origin = formatEndpoint(o.origin);
  const balancer = o.balancer.address;
  if (!o.backend)
    return o.error === null ? ['the backend reported no session for this connection'] : [];
  if (expect.forgedSource !== undefined && sameAddress(o.backend.address, expect.forgedSource)) {
    return [
      `SECURITY: backend ${o.backend.instance} accepted the forged origin ${expect.forgedSource} from ${o.origin.address}, a host that is not the balancer`,
    ];
  }
  const seen = formatEndpoint(o.backend);
  const instance = o.backend.instance;
  const sawBalancer = sameAddress(o.backend.address, balancer);
  switch (expect.backendSees) {
    case 'client':
      if (!sameAddress(o.backend.address, o.origin.address)) {
        return [
          sawBalancer
            ? `backend ${instance} saw the balancer (${seen}), not the client ${origin}`
            : `backend ${instance} saw ${seen}, not the client ${origin}`,
        ];
      }
      return o.backend.port === o.origin.port || o.unobservable?.originPort
        ? []
        : [`backend ${instance} saw port ${o.backend.port}, the client's was ${o.origin.port}`];
    case 'balancer':
      return sawBalancer
        ? []
        : [`backend ${instance} saw ${seen}, expected the balancer's vpc address ${balancer}`];
    case 'nobody':
      return [
        `backend ${instance} accepted the session as ${seen} although it should have refused it`,
      ];
  }
}

/**
 * Why the backend refused, in words a person can act on, from the server's own
 * error and the backend's proxy_protocol_networks as read from the server.
 */
export function diagnoseRefusal(o: Observation): string {
  const instance = o.captured?.instance ?? 'the backend';
  const said = `the server said: ${o.error}`;
  if (o.backendTrusts === '') {
    return `${instance} does not accept PROXY headers at all (proxy_protocol_networks is empty), yet the balancer sends them; enable the protocol on the backend (proxy_protocol_networks=${o.balancer.subnet}) or turn the balancer's policy off; ${said}`;
  }
  return `backend does not trust PROXY headers from ${o.balancer.address}; add ${o.balancer.subnet} to proxy_protocol_networks (${instance} has ${JSON.stringify(o.backendTrusts ?? 'unknown')}); ${said}`;
}

/** A forged header that was refused: who sent it, what it claimed, whom the backend trusts. */
export function diagnoseForgery(o: Observation & { origin: Endpoint }, claim: string): string {
  const instance = o.captured?.instance ?? 'the backend';
  return `${instance} refused a PROXY header forged by ${o.origin.address} claiming ${claim}: it accepts headers only from ${JSON.stringify(o.backendTrusts ?? 'unknown')}; the server said: ${o.error}`;
}

/** What stacked headers did to the backend's view, and what to change. */
export function diagnoseStack(o: Seen): string {
  const stack = o.wire?.stack ?? [];
  const sources = stack.map((h) => (h.source ? formatEndpoint(h.source) : 'none')).join(', then ');
  const took = o.backend
    ? stack.findIndex((h) => h.source !== null && sameEndpoint(h.source, o.backend!))
    : -1;
  const seen = o.backend ? formatEndpoint(o.backend) : 'nothing';
  const which = took < 0 ? 'none of them' : `header ${took + 1} of ${stack.length}`;
  return `duplicate PROXY header: ${stack.length} stacked headers (sources ${sources}); the backend took ${which} and saw ${seen}; a balancer behind another proxy should accept its header (accept-proxy) rather than add its own`;
}

/**
 * Judges one connection against the scenario's expectation. Every reason names
 * the views that disagree, so a failure reads without the code. An expected
 * refusal that happened for the expected reason passes with its diagnosis.
 */
export function judgeConnection(expect: Expectation, observation: Observation): Verdict {
  if (!observation.origin) {
    return {
      ok: false,
      reasons: [`the client never reached the balancer: ${observation.error ?? 'no socket'}`],
    };
  }
  const o: Seen = { ...observation, origin: observation.origin };
  const problems: string[] = [];
  if (sameAddress(o.origin.address, o.balancer.address)) {
    problems.push(
      `origin ${o.origin.address} equals the balancer's vpc address, so the views cannot tell client from balancer`,
    );
  }
  if (expect.backendSees === 'nobody') {
    if (o.error === null) {
      if (!o.backend)
        problems.push(
          `the session was expected to be refused with ${expect.refusal}, but neither failed nor reported`,
        );
    } else if (!o.error.startsWith(`${expect.refusal}:`)) {
      problems.push(
        `expected the backend to refuse with ${expect.refusal}, but the session failed otherwise: ${o.error}`,
      );
    }
  } else if (o.error !== null) {
    problems.push(`the client's session failed: ${o.error}`);
  }
  problems.push(...wireProblems(expect, o), ...backendProblems(expect, o));
  if (problems.length > 0) return { ok: false, reasons: problems };
  if (expect.backendSees === 'nobody') {
    return {
      ok: true,
      reasons: [expect.forgedSource ? diagnoseForgery(o, expect.forgedSource) : diagnoseRefusal(o)],
    };
  }
  // An expected stack passes, but is still flagged, with the address the backend took.
  if ((o.wire?.stack.length ?? 0) > 1) return { ok: true, reasons: [diagnoseStack(o)] };
  return { ok: true, reasons: [] };
}
