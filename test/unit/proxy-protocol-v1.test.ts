import { decodeV1, encodeV1 } from '../../harness/proxy-protocol/v1.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('PROXY v1 decoder (haproxy doc/proxy-protocol.txt 2.1)', () => {
  test('decodes the TCP4 example from the seed blog post', () => {
    const r = decodeV1(bytes('PROXY TCP4 198.51.100.22 203.0.113.7 35646 3306\r\nrest'));
    expect(r).toMatchObject({
      kind: 'header',
      header: {
        version: 1,
        command: 'PROXY',
        family: 'INET',
        protocol: 'STREAM',
        source: { address: '198.51.100.22', port: 35646 },
        destination: { address: '203.0.113.7', port: 3306 },
        length: 49,
      },
    });
  });

  test('decodes TCP6 and the IPv4-mapped form HAProxy writes for v4v6 binds', () => {
    const r = decodeV1(bytes('PROXY TCP6 ::ffff:10.77.0.101 ::ffff:10.77.0.20 45212 3306\r\n'));
    expect(r).toMatchObject({
      kind: 'header',
      header: { family: 'INET6', source: { address: '::ffff:10.77.0.101', port: 45212 } },
    });
  });

  test('UNKNOWN carries no addresses and ignores the rest of the line', () => {
    expect(decodeV1(bytes('PROXY UNKNOWN\r\n'))).toMatchObject({
      kind: 'header',
      header: { family: 'UNSPEC', protocol: 'UNSPEC', source: null, length: 15 },
    });
    expect(decodeV1(bytes('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'))).toMatchObject({
      kind: 'header',
      header: { family: 'UNSPEC' },
    });
  });

  test('a stream that does not start with the signature has no header', () => {
    expect(decodeV1(bytes('\x0a5.5.5-MariaDB'))).toEqual({ kind: 'absent' });
    expect(decodeV1(bytes('PROXZ TCP4'))).toEqual({ kind: 'absent' });
  });

  test('a valid prefix asks for more bytes instead of failing', () => {
    expect(decodeV1(bytes('PRO'))).toEqual({ kind: 'incomplete' });
    expect(decodeV1(bytes('PROXY TCP4 1.2.3.4 5.6.7.8 1 2'))).toEqual({ kind: 'incomplete' });
  });

  // 2.1: "Any sequence which does not exactly match the protocol must be discarded".
  test.each([
    [
      'no CRLF within 107 bytes',
      '"not found in the first 107 characters ... invalid"',
      `PROXY UNKNOWN ${'x'.repeat(100)}\r\n`,
      'V1_TOO_LONG',
    ],
    [
      'a lone LF',
      '"must not tolerate a single CR or LF"',
      'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n',
      'V1_BAD_TERMINATOR',
    ],
    [
      'unknown protocol word',
      '"only TCP4 ... and TCP6 ... are allowed", else UNKNOWN',
      'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n',
      'V1_BAD_PROTOCOL',
    ],
    ['double space', '"exactly one space"', 'PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n', 'V1_BAD_FIELDS'],
    [
      'missing port',
      'every field is required',
      'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n',
      'V1_BAD_FIELDS',
    ],
    [
      'trailing field',
      'the dport is followed by the CRLF',
      'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n',
      'V1_BAD_FIELDS',
    ],
    [
      'IPv6 address under TCP4',
      '"the advertised protocol family dictates what format"',
      'PROXY TCP4 ::1 ::1 1 2\r\n',
      'V1_BAD_ADDRESS',
    ],
    [
      'IPv4 address under TCP6',
      '"the advertised protocol family dictates what format"',
      'PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n',
      'V1_BAD_ADDRESS',
    ],
    [
      'octet out of range',
      '"integers in the range [0..255]"',
      'PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n',
      'V1_BAD_ADDRESS',
    ],
    [
      'leading zero in an octet',
      '"Heading zeroes are not permitted"',
      'PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n',
      'V1_BAD_ADDRESS',
    ],
    [
      'port above 65535',
      '"in the range [0..65535]"',
      'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n',
      'V1_BAD_PORT',
    ],
    [
      'port with leading zero',
      '"Heading zeroes are not permitted"',
      'PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n',
      'V1_BAD_PORT',
    ],
    [
      'port with sign',
      '"a decimal integer"',
      'PROXY TCP4 1.2.3.4 5.6.7.8 +80 2\r\n',
      'V1_BAD_PORT',
    ],
  ])('rejects %s (2.1: %s)', (_rule, _reason, input, code) => {
    const r = decodeV1(bytes(input));
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.error.code).toBe(code);
  });

  test('accepts the boundary values the invalid cases sit next to', () => {
    expect(decodeV1(bytes('PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n')).kind).toBe('header');
    expect(decodeV1(bytes(`PROXY UNKNOWN ${'x'.repeat(91)}\r\n`)).kind).toBe('header'); // exactly 107 bytes
  });

  test('encode then decode gives the same header back', () => {
    const header = {
      family: 'INET' as const,
      source: { address: '10.0.0.1', port: 1234 },
      destination: { address: '10.0.0.2', port: 3306 },
    };
    const encoded = encodeV1(header);
    expect(encoded.toString('latin1')).toBe('PROXY TCP4 10.0.0.1 10.0.0.2 1234 3306\r\n');
    expect(decodeV1(encoded)).toMatchObject({ kind: 'header', header });
  });
});
