import { normaliseAddress, parseHostPort, sameAddress } from '../../harness/net/endpoint.ts';

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
