import { SocketAddress, isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import {
  addressBytes,
  canonicalIPv6,
  CANONICAL_IPV6,
  formatIPv6,
  isIPv4Text,
  NOT_IPV6,
  parseIPv6Spelling,
} from '../../harness/net/ip.ts';

// Node's own parser and printer are the independent reference here.
const nodeCanonical = (a: string) => new SocketAddress({ address: a, family: 'ipv6' }).address;
/** Any 16 bytes, some with runs of zero groups, and their eight groups in hex, uncompressed. */
const sixteenBytes = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean())
  .map(([bytes, sparse]) => {
    if (sparse) for (let i = 0; i < 16; i += 3) bytes[i] = 0;
    const groups = Array.from({ length: 8 }, (_, g) =>
      ((bytes[2 * g]! << 8) | bytes[2 * g + 1]!).toString(16),
    );
    return { bytes, groups: groups.join(':') };
  });

describe('IP text, byte by byte', () => {
  test('IPv6 printing matches Node for any 16 bytes', () => {
    fc.assert(
      fc.property(sixteenBytes, ({ bytes, groups }) => {
        expect(formatIPv6(bytes, 0)).toBe(nodeCanonical(groups));
      }),
      { numRuns: 3000 },
    );
  });

  test('IPv6 parsing accepts exactly what Node accepts (without zones), and round-trips', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        expect(canonicalIPv6(text)).toBe(nodeCanonical(text));
      }),
      { numRuns: 3000 },
    );
    const cases = [
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7::',
      '::1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      'fe80::1%eth0',
      ':::',
      '1:2',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      ':1::',
      '1:',
      'g::',
      '::1.2.3',
      '1:2:3:4:5:6:7:1.2.3.4',
      '',
    ];
    for (const c of cases)
      expect([c, canonicalIPv6(c) !== null]).toEqual([c, isIPv6(c) && !c.includes('%')]);
  });

  test('IPv6 text is called canonical exactly when Node prints it the same', () => {
    const spelling = (text: string) =>
      parseIPv6Spelling(Buffer.from(text, 'latin1'), 0, text.length);
    const sameAsNode = (text: string) => (nodeCanonical(text) === text ? CANONICAL_IPV6 : 1);
    fc.assert(
      fc.property(fc.ipV6(), (text) => expect(spelling(text)).toBe(sameAsNode(text))),
      { numRuns: 3000 },
    );
    // Node's own text of any 16 bytes, sparse ones too, and respellings of it.
    fc.assert(
      fc.property(sixteenBytes, ({ groups }) => {
        const canonical = nodeCanonical(groups);
        expect(spelling(canonical)).toBe(CANONICAL_IPV6);
        for (const other of [groups, canonical.toUpperCase()])
          expect(spelling(other)).toBe(sameAsNode(other));
      }),
      { numRuns: 3000 },
    );
    for (const c of ['::', '::1', '1::', '::ffff:1.2.3.4', '::1.2.3.4', '1:0:0:2::', '1::2:0:0:3'])
      expect([c, spelling(c)]).toEqual([c, sameAsNode(c)]);
    for (const c of ['::0.0.0.1', '1:2:3:4:5:6:7::', '::FFFF:1.2.3.4', '01::', '0:0::1', '1::0'])
      expect([c, spelling(c)]).toEqual([c, 1]);
    expect(spelling('1::2::3')).toBe(NOT_IPV6);
  });

  test('IPv4 parsing matches Node, leading zeros refused', () => {
    fc.assert(fc.property(fc.ipV4(), (text) => expect(isIPv4Text(text)).toBe(true)));
    for (const c of [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1..2.3',
      '1.2.3.4 ',
      '',
    ]) {
      expect([c, isIPv4Text(c)]).toEqual([c, isIPv4(c)]);
    }
  });

  test('mapped IPv4 prints as a dotted quad', () => {
    expect(formatIPv6(addressBytes('::ffff:10.77.0.101'), 0)).toBe('::ffff:10.77.0.101');
    expect(canonicalIPv6('::FFFF:0A4D:0065')).toBe('::ffff:10.77.0.101');
  });
});
