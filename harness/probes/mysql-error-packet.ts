/** Names of the server errors proxyproof meets; others are named by number. */
const NAMES: Record<number, string> = {
  1043: 'ER_HANDSHAKE_ERROR',
  1045: 'ER_ACCESS_DENIED_ERROR',
  1129: 'ER_HOST_IS_BLOCKED',
  1130: 'ER_HOST_NOT_PRIVILEGED',
};

/**
 * The first MySQL ERR packet in bytes a server sent (4-byte packet headers,
 * payload starting 0xff, a 2-byte little-endian code, an optional "#SQLSTATE",
 * the message). A server that refuses and closes at once can reset the
 * connection before the client library reads this packet; the probe reads it
 * from the socket itself.
 */
export function firstErrorPacket(bytes: Buffer): { name: string; message: string } | null {
  for (let at = 0; at + 4 <= bytes.length;) {
    const length = bytes.readUIntLE(at, 3);
    const payload = bytes.subarray(at + 4, at + 4 + length);
    if (payload.length < length) return null;
    if (payload[0] === 0xff && payload.length >= 3) {
      const code = payload.readUInt16LE(1);
      const text = payload.subarray(3).toString('utf8');
      return {
        name: NAMES[code] ?? `ER_${code}`,
        message: text.startsWith('#') ? text.slice(6) : text,
      };
    }
    at += 4 + length;
  }
  return null;
}
