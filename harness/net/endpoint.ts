import { isIPv6 } from 'node:net';
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
