import { z } from 'zod';
import type { Observation } from '../evidence/types.ts';
import { formatSeen, sameAddress } from '../net/endpoint.ts';
import { fine, wrong, type CheckKind } from './check.ts';

const options = z
  .object({
    kind: z.literal('refused'),
    /** The server error(s) a refusal may carry, by name (e.g. ER_HOST_NOT_PRIVILEGED). */
    with: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  })
  .strict();

/** The advice every trust diagnosis gives, so they never contradict each other. */
export function trustAdvice(o: Observation): string {
  const setting = typeof o.backendTrust === 'object' ? o.backendTrust?.setting : undefined;
  const where = setting ?? "the backend's trusted PROXY sources";
  const own = o.balancer.address
    ? `the balancer's own address (${o.balancer.address})`
    : "the balancer's own addresses";
  return `trust ${own} in ${where}, or only a subnet that holds nothing but balancers: every host in a trusted range can forge its origin`;
}

/** What a header from the client itself means, and the two fixes: said the same wherever it is found. */
export function preservationAdvice(o: Observation): string {
  const trust = typeof o.backendTrust === 'object' ? o.backendTrust : null;
  return `the balancer preserves client IP addresses (an NLB's preserve_client_ip.enabled, on by default for instance targets); turn client IP preservation off on the target group (preserve_client_ip.enabled=false), or trust the clients' networks in ${trust ? trust.setting : 'its trusted PROXY sources'} (then every host there can forge its origin)`;
}

/** Why the backend refused, in words a person can act on, from the server's own error and its trust setting. */
export function diagnoseRefusal(o: Observation): string {
  const instance = o.captured?.instance ?? o.backend?.instance ?? 'the backend';
  const said = `the server said: ${o.error}`;
  const trust = o.backendTrust;
  if (trust === 'unsupported')
    return `${instance} does not speak the PROXY protocol at all: it read the header as a malformed handshake; put a PROXY-aware proxy in front of it, or turn the balancer's PROXY protocol off; ${said}`;
  if (o.claimed && o.origin)
    return `${instance} refused a PROXY header forged by ${o.origin.address} claiming ${o.claimed.address}: it accepts headers only from ${JSON.stringify(trust?.value ?? 'unknown')}; ${said}`;
  if (trust?.value === '')
    return `${instance} does not accept PROXY headers at all (${trust.setting} is empty), yet the balancer sends them: enable the protocol on the backend and ${trustAdvice(o)}; or turn the balancer's PROXY protocol off; ${said}`;
  const peer = o.captured?.connection.src;
  if (peer && o.origin && sameAddress(peer, o.origin.address)) {
    const held = trust
      ? `, and ${trust.setting}=${JSON.stringify(trust.value)} does not hold it`
      : '';
    return `${instance} got the PROXY header from the client's own address ${peer}, not from the balancer: the backend's TCP peer is the client${held}: ${preservationAdvice(o)}; ${said}`;
  }
  const from = o.balancer.address ?? 'the balancer';
  const has = trust ? ` (${instance} has ${trust.setting}=${JSON.stringify(trust.value)})` : '';
  return `${instance} does not trust PROXY headers from ${from}${has}: ${trustAdvice(o)}; ${said}`;
}

/**
 * Every session must be refused by the server with one of the named errors —
 * an expected failure, which passes with its diagnosis. A forged origin the
 * backend reported anyway is a security finding.
 */
export const refused: CheckKind<typeof options> = {
  kind: 'refused',
  options,
  create: (opts) => {
    const codes = typeof opts.with === 'string' ? [opts.with] : opts.with;
    return {
      name: `refused with ${codes.join(' or ')}`,
      expectsRefusal: true,
      connection(o) {
        if (!o.origin) return fine();
        // A forged origin the backend took is the judge's SECURITY finding; this is the refusal's.
        if (o.backend) {
          return wrong(
            `backend ${o.backend.instance ?? '(instance unknown)'} accepted the session as ${formatSeen(o.backend)} although it should have refused it`,
          );
        }
        if (o.error === null)
          return wrong(
            `the session was expected to be refused with ${codes.join(' or ')}, but neither failed nor reported`,
          );
        if (!codes.some((code) => o.error!.startsWith(`${code}:`)))
          return wrong(
            `expected the backend to refuse with ${codes.join(' or ')}, but the session failed otherwise: ${o.error}`,
          );
        return fine(diagnoseRefusal(o));
      },
      passed: (evidence) =>
        evidence[0]
          ? `every connection was refused as expected: ${diagnoseRefusal(evidence[0])}`
          : null,
    };
  },
};
