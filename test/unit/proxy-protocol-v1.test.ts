import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { decodeV1, encodeV1 } from '../../harness/proxy-protocol/v1.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');
// Node's own printer is the independent reference for address text.
const nodeText = (a: string) =>
  new SocketAddress({ address: a, family: a.includes(':') ? 'ipv6' : 'ipv4' }).address;

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

  test('addresses come out as Node prints them, however the sender spelt them', () => {
    const ipv6 = fc.oneof(
      fc.ipV6(),
      fc.ipV6().map((a) => a.toUpperCase()),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constant('TCP4'), fc.ipV4(), fc.ipV4()),
          fc.tuple(fc.constant('TCP6'), ipv6, ipv6),
        ),
        fc.integer({ min: 0, max: 65535 }),
        ([word, source, destination], port) => {
          const r = decodeV1(bytes(`PROXY ${word} ${source} ${destination} ${port} 3306\r\n`));
          expect(r).toMatchObject({
            kind: 'header',
            header: {
              source: { address: nodeText(source), port },
              destination: { address: nodeText(destination), port: 3306 },
            },
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('each header has its own destination, however alike the ones before it', () => {
    const lines = [
      ['10.0.0.1', '10.0.0.1'],
      ['10.0.0.10', '10.0.0.10'],
      ['10.0.0.1', '10.0.0.1'],
      ['2001:db8::1', '2001:db8::1'],
      ['2001:db8::10', '2001:db8::10'],
      ['2001:DB8::10', '2001:db8::10'],
      ['2001:db8:0:0::1', '2001:db8::1'],
    ];
    for (const [sent, printed] of lines) {
      const word = sent!.includes(':') ? 'TCP6' : 'TCP4';
      const source = word === 'TCP6' ? '2001:db8::99' : '10.9.9.9';
      const r = decodeV1(bytes(`PROXY ${word} ${source} ${sent} 1234 3306\r\n`));
      expect([sent, r.kind === 'header' ? r.header.destination : r]).toEqual([
        sent,
        { address: printed, port: 3306 },
      ]);
    }
    // The last destination's text followed by more than a space is no destination.
    const r = decodeV1(bytes('PROXY TCP4 10.9.9.9 10.0.0.1x1234 3306\r\n'));
    expect(r.kind === 'invalid' && r.error.code).toBe('V1_BAD_FIELDS');
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
