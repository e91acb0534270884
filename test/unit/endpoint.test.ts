import {
  formatSeen,
  normaliseAddress,
  parseHostPort,
  parseReported,
  sameAddress,
} from '../../harness/net/endpoint.ts';

describe('address comparison', () => {
  test('an IPv4-mapped IPv6 address equals its IPv4 form (HAProxy v4v6 vs MariaDB)', () => {
    expect(sameAddress('::ffff:10.77.0.101', '10.77.0.101')).toBe(true);
  });
  test('IPv6 spellings compare equal', () => {
    expect(normaliseAddress('FD00:0:0:0::0001')).toBe('fd00::1');
    expect(sameAddress('[fd00::1]', 'fd00:0::1')).toBe(true);
  });
  test('different addresses differ', () => {
    expect(sameAddress('10.0.0.1', '10.0.0.10')).toBe(false);
  });
  test('PROCESSLIST.HOST forms parse to address and port', () => {
    expect(parseHostPort('172.20.0.1:50222')).toEqual({ address: '172.20.0.1', port: 50222 });
    expect(parseHostPort('fd00::1:41234')).toEqual({ address: 'fd00::1', port: 41234 });
    expect(parseHostPort('[fd00::1]:41234')).toEqual({ address: 'fd00::1', port: 41234 });
    expect(parseHostPort('localhost')).toBeNull();
  });
});

describe("a backend's reported address, in any common spelling", () => {
  test.each([
    ['10.0.0.5:41234', { address: '10.0.0.5', port: 41234 }],
    ['[fd00::5]:41234', { address: 'fd00::5', port: 41234 }],
    ['::ffff:10.0.0.5:41234', { address: '::ffff:10.0.0.5', port: 41234 }],
    ['10.0.0.5', { address: '10.0.0.5', port: null }],
    ['[fd00::5]', { address: 'fd00::5', port: null }],
    ['  10.0.0.5:80\n', { address: '10.0.0.5', port: 80 }],
    // A bare IPv6 address that would also read as address:port is the address.
    ['fd00::5', { address: 'fd00::5', port: null }],
  ])('%j', (text, expected) => {
    expect(parseReported(text)).toEqual(expected);
  });

  test.each(['', 'localhost:80', '10.0.0.5:70000', '[not-an-ip]:80', 'hello'])(
    '%j names no address',
    (text) => {
      expect(parseReported(text)).toBeNull();
    },
  );

  test('an IPv4-mapped report equals the plain origin, with its port kept apart', () => {
    const seen = parseReported('::ffff:10.0.0.5:41234')!;
    expect(sameAddress(seen.address, '10.0.0.5')).toBe(true);
    expect(formatSeen({ address: '10.0.0.5', port: null })).toBe('10.0.0.5');
    expect(formatSeen({ address: 'fd00::5', port: 80 })).toBe('[fd00::5]:80');
  });
});
