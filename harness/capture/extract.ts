import { readCapture } from './capture-file.ts';
import { headersAtStart, type CapturedConnection } from './proxy-headers.ts';
import { reassembleClientStreams } from './tcp-streams.ts';

/**
 * Every connection in a pcap or pcapng file with the PROXY headers it began
 * with (none, one, or several stacked), in the order the connections started.
 */
export function extractProxyHeaders(file: Buffer): CapturedConnection[] {
  return reassembleClientStreams(readCapture(file)).map(headersAtStart);
}
