import { SocketAddress, isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { addressBytes, canonicalIPv6, formatIPv6, isIPv4Text } from '../../harness/net/ip.ts';

// Node's own parser and printer are the independent reference here.
const nodeCanonical = (a: string) => new SocketAddress({ address: a, family: 'ipv6' }).address;

describe('IP text, byte by byte', () => {
  test('IPv6 printing matches Node for any 16 bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.boolean(),
        (bytes, sparse) => {
          if (sparse) for (let i = 0; i < 16; i += 3) bytes[i] = 0;
          const groups = Array.from({ length: 8 }, (_, g) =>
            ((bytes[2 * g]! << 8) | bytes[2 * g + 1]!).toString(16),
          );
          expect(formatIPv6(bytes, 0)).toBe(nodeCanonical(groups.join(':')));
        },
      ),
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
