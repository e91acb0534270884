import { formatEndpoint, sameAddress } from '../net/endpoint.ts';
import type { Expectation } from '../scenario/schema.ts';
import type { Observation, Verdict } from './types.ts';

/**
 * Judges one connection against the scenario's expectation. Every reason names
 * the views that disagree, so a failure reads without the code.
 */
export function judgeConnection(expect: Expectation, observation: Observation): Verdict {
  if (!observation.origin) {
    return {
      ok: false,
      reasons: [`the client never reached the balancer: ${observation.error ?? 'no socket'}`],
    };
  }
  const o = { ...observation, origin: observation.origin };
  const reasons: string[] = [];
  const origin = formatEndpoint(o.origin);
  const balancer = o.balancer.address;
  const lossNote =
    o.captureDropped > 0
      ? ` (the captures dropped ${o.captureDropped} packet(s), so this may be capture loss)`
      : '';

  if (sameAddress(o.origin.address, balancer)) {
    reasons.push(
      `origin ${o.origin.address} equals the balancer's vpc address, so the views cannot tell client from balancer`,
    );
  }
  if (o.error !== null) reasons.push(`the client's session failed: ${o.error}`);

  if (expect.header === 'none') {
    if (o.wire)
      reasons.push(
        `a PROXY v${o.wire.version} header was on the wire although none was expected: ${o.wire.raw}`,
      );
    else if (!o.captured)
      reasons.push(
        `the backend captures hold no connection for this session, so the absence of a header is unproven${lossNote}`,
      );
  } else {
    if (!o.wire) {
      reasons.push(
        o.captured
          ? `no PROXY header on the wire: the connection ${formatEndpoint({ address: o.captured.connection.src, port: o.captured.connection.sport })} → ${o.captured.instance} began without one${lossNote}`
          : `no PROXY header for origin ${origin} in any backend capture${lossNote}`,
      );
    } else {
      const expectedVersion = expect.header === 'v1' ? 1 : 2;
      if (o.wire.version !== expectedVersion) {
        reasons.push(`a PROXY v${o.wire.version} header where v${expectedVersion} was expected`);
      }
      if (o.wire.count > 1)
        reasons.push(
          `${o.wire.count} stacked PROXY headers on one connection; exactly one was expected`,
        );
      if (!o.wire.source) reasons.push(`the header carries no source address (${o.wire.family})`);
      else if (
        !sameAddress(o.wire.source.address, o.origin.address) ||
        o.wire.source.port !== o.origin.port
      ) {
        reasons.push(
          `header source ${formatEndpoint(o.wire.source)} differs from origin ${origin}`,
        );
      }
    }
  }

  if (!o.backend) {
    if (o.error === null) reasons.push('the backend reported no session for this connection');
  } else {
    const seen = formatEndpoint(o.backend);
    const sawBalancer = sameAddress(o.backend.address, balancer);
    if (expect.backendSees === 'client' && !sameAddress(o.backend.address, o.origin.address)) {
      reasons.push(
        sawBalancer
          ? `backend ${o.backend.instance} saw the balancer (${seen}), not the client ${origin}`
          : `backend ${o.backend.instance} saw ${seen}, not the client ${origin}`,
      );
    } else if (expect.backendSees === 'client' && o.backend.port !== o.origin.port) {
      reasons.push(
        `backend ${o.backend.instance} saw port ${o.backend.port}, the client's was ${o.origin.port}`,
      );
    }
    if (expect.backendSees === 'balancer' && !sawBalancer) {
      reasons.push(
        `backend ${o.backend.instance} saw ${seen}, expected the balancer's vpc address ${balancer}`,
      );
    }
  }
  return { ok: reasons.length === 0, reasons };
}
