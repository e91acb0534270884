import type { Evidence } from '../evidence/types.ts';
import { formatEndpoint, formatSeen } from '../net/endpoint.ts';

/** One connection's three views in words, for every report that lays them side by side. */
export interface ViewsText {
  origin: string;
  headerSource: string;
  backend: string;
}

/**
 * The header's source as the backend applied it (with stacked headers, the
 * last names the client); short enough for a table cell, the reasons say more.
 */
function headerSourceText(c: Evidence): string {
  if (c.wire) {
    const source = (c.wire.stack.at(-1) ?? c.wire).source;
    return source ? formatEndpoint(source) : `${c.wire.command}, no address`;
  }
  if (c.unobservable?.wire) return 'not observed';
  return c.wireError ? `malformed (${c.wireError.code})` : 'none';
}

export function viewsText(c: Evidence): ViewsText {
  return {
    origin: c.origin ? formatEndpoint(c.origin) : 'none',
    headerSource: headerSourceText(c),
    backend: c.backend
      ? `${formatSeen(c.backend)}${c.backend.instance ? ` (${c.backend.instance})` : ''}`
      : 'none',
  };
}
