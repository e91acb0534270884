import { isIP, isIPv6 } from 'node:net';
import { canonicalIPv6, isIPv4Text } from './ip.ts';

/** An address and port as one party of a TCP connection saw it. */
export interface Endpoint {
  address: string;
  port: number;
}

/**
 * Canonical text of an IP address, so that views from different sources compare
 * equal: HAProxy bound v4v6 writes IPv4 clients as ::ffff:a.b.c.d, MariaDB reports
 * them as a.b.c.d, and IPv6 text has many spellings.
 */
export function normaliseAddress(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4Text(bare)) return bare;
  const v6 = canonicalIPv6(bare);
  if (v6 === null) return bare.toLowerCase();
  return v6.startsWith('::ffff:') && isIPv4Text(v6.slice(7)) ? v6.slice(7) : v6;
}

export function sameAddress(a: string, b: string): boolean {
  return normaliseAddress(a) === normaliseAddress(b);
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && sameAddress(a.address, b.address);
}

export function formatEndpoint(e: Endpoint): string {
  return isIPv6(e.address) ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/**
 * Parses "host:port" as MariaDB writes PROCESSLIST.HOST ("10.0.0.5:41234",
 * "::1:41234" or "[::1]:41234"): the port is after the last colon.
 */
export function parseHostPort(text: string): Endpoint | null {
  const m = /^\[?(.+?)\]?:(\d{1,5})$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { address: m[1], port };
}

/**
 * An address as a backend reports it, in any common spelling: "10.0.0.5:41234",
 * "[fd00::5]:41234", "::ffff:10.0.0.5:41234" (MariaDB's PROCESSLIST writes IPv6
 * without brackets: the port is after the last colon), or a bare address
 * ("10.0.0.5", "fd00::5", "[fd00::5]"), whose port is then unknown. A bare
 * IPv6 address that would also read as address:port is taken as the address.
 */
export function parseReported(text: string): { address: string; port: number | null } | null {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(t);
  if (bracketed) {
    const port = bracketed[2] === undefined ? null : Number(bracketed[2]);
    return isIP(bracketed[1]!) && (port === null || port <= 65535)
      ? { address: bracketed[1]!, port }
      : null;
  }
  if (isIP(t)) return { address: t, port: null };
  const split = /^(.+):(\d{1,5})$/.exec(t);
  if (!split || !isIP(split[1]!) || Number(split[2]) > 65535) return null;
  return { address: split[1]!, port: Number(split[2]) };
}

/** An address with its port where one is known. */
export const formatSeen = (seen: { address: string; port: number | null }): string =>
  seen.port === null ? seen.address : formatEndpoint({ address: seen.address, port: seen.port });
