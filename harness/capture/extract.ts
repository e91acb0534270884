import { headersAtStart, type CapturedConnection } from './proxy-headers.ts';
import { captureClientStreams } from './tcp-streams.ts';

/**
 * Every connection in a pcap or pcapng file with the PROXY headers it began
 * with (none, one, or several stacked), in the order the connections started.
 */
export function extractProxyHeaders(file: Buffer): CapturedConnection[] {
  return captureClientStreams(file).map(headersAtStart);
}
