// What the HTML page says about a connection in more than one place (topology,
// table, header section), so each place says the same. The three views
// themselves, in words, come from views.ts, shared with the other reports.
import type { Evidence } from '../evidence/types.ts';

/** The backend instance that served the session, or at least received the connection. */
export const backendInstance = (c: Evidence): string | null =>
  c.backend?.instance ?? c.captured?.instance ?? null;

/** Why a connection has no header to show. */
export function missingWire(c: Evidence): string {
  if (c.unobservable?.wire) return `not observed: ${c.unobservable.wire}`;
  if (c.wireError) return `malformed PROXY header: ${c.wireError.code}: ${c.wireError.message}`;
  return 'no PROXY header captured';
}

export const HEADER_PAIRS =
  "In a PROXY header the source pair is the client as the balancer saw it; the destination pair is the balancer's own listener, the address and port the client dialled.";
