import type { Endpoint } from '../../harness/net/endpoint.ts';
import {
  decodeProxyHeader,
  encodeV1,
  encodeV2,
  tlv,
  type ProxyHeader,
} from '../../harness/proxy-protocol/index.ts';
import {
  NlbSession,
  type SessionAction,
  type SessionStart,
} from '../../harness/data-plane/session/session.ts';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  SettingsError,
  type DataPlaneSettings,
} from '../../harness/data-plane/session/settings.ts';

// The NLB data plane's decisions without sockets: which bytes go where, and
// when, for each placement; the headers byte for byte. Expected values come
// from AWS's documented behaviour and the PROXY v2 spec (haproxy
// doc/proxy-protocol.txt), written out here, not from the code under test.

const CLIENT: Endpoint = { address: '203.0.113.7', port: 51000 };
const LISTENER: Endpoint = { address: '198.51.100.10', port: 3306 };
const ON = { ...DEFAULT_SETTINGS, proxyProtocol: true };

function session(settings: Partial<DataPlaneSettings> = {}, start: Partial<SessionStart> = {}) {
  return new NlbSession({
    peer: CLIENT,
    listener: LISTENER,
    settings: { ...ON, ...settings },
    uniqueId: 'conn-1',
    ...start,
  });
}

/** A connected session: its upstream header already taken out of the actions. */
function connected(s: NlbSession): SessionAction[] {
  expect(s.begin()).toEqual([{ kind: 'connect-upstream' }]);
  const [first, ...rest] = s.on({ kind: 'upstream-connected' });
  expect(first?.kind).toBe('to-upstream');
  return rest;
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

function decoded(b: Buffer): ProxyHeader {
  const result = decodeProxyHeader(b);
  if (result.kind !== 'header') throw new Error(`not a header: ${JSON.stringify(result)}`);
  return result.header;
}

/** CRC-32C written out from its definition (reflected polynomial 0x82F63B78), not the codec's. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const SIGNATURE = '0d0a0d0a000d0a515549540a';
/** 203.0.113.7 → 198.51.100.10, ports 51000 → 3306, in v2's INET block. */
const INET_BLOCK = 'cb007107 c633640a c738 0cea';

test('the reference CRC-32C gives the standard check value', () => {
  expect(referenceCrc32c(bytes('123456789'))).toBe(0xe3069283);
});

describe('header placement', () => {
  test('on_first_ack_with_payload (the default) holds the target header until the first payload and sends it in front of it', () => {
    const s = session();
    expect(connected(s)).toEqual([]);
    expect(s.summary.targetHeader).toBe('not-sent');
    // The target speaks first: its greeting reaches the client at once.
    expect(s.on({ kind: 'upstream-data', bytes: bytes('greeting') })).toEqual([
      { kind: 'to-client', bytes: bytes('greeting') },
    ]);
    const [write, ...more] = s.on({ kind: 'client-data', bytes: bytes('login') });
    expect(more).toEqual([]);
    expect(write?.kind).toBe('to-upstream');
    const sent = (write as { bytes: Buffer }).bytes;
    const header = decoded(sent);
    expect(header.source).toEqual(CLIENT);
    expect(sent.subarray(header.length)).toEqual(bytes('login'));
    // Later payload goes as it is.
    expect(s.on({ kind: 'client-data', bytes: bytes('query') })).toEqual([
      { kind: 'to-upstream', bytes: bytes('query') },
    ]);
    expect(s.summary).toEqual({
      client: CLIENT,
      clientFrom: 'peer',
      targetHeader: 'sent-with-payload',
      bytes: { toUpstream: 10, toClient: 8 },
    });
  });

  test('on_first_ack sends it as soon as the upstream connection is up, after the upstream header', () => {
    const s = session({ headerPlacement: 'on_first_ack' });
    const actions = connected(s);
    expect(actions).toHaveLength(1);
    expect(decoded((actions[0] as { bytes: Buffer }).bytes).destination).toEqual(LISTENER);
    expect(s.summary.targetHeader).toBe('sent-at-connect');
    expect(s.on({ kind: 'client-data', bytes: bytes('login') })).toEqual([
      { kind: 'to-upstream', bytes: bytes('login') },
    ]);
  });

  test('with the PROXY protocol off there is no target header, but the upstream header still', () => {
    const s = session({ proxyProtocol: false });
    expect(connected(s)).toEqual([]);
    expect(s.on({ kind: 'client-data', bytes: bytes('login') })).toEqual([
      { kind: 'to-upstream', bytes: bytes('login') },
    ]);
    expect(s.summary.targetHeader).toBe('off');
  });

  test('a client that closes without payload leaves the target without a header, as on AWS', () => {
    const s = session();
    connected(s);
    expect(s.on({ kind: 'client-end' })).toEqual([{ kind: 'end-upstream' }]);
    expect(s.summary.targetHeader).toBe('not-sent');
  });

  test('what the client sent before the upstream connection was up follows the header at once, then its FIN', () => {
    const s = session();
    expect(s.begin()).toEqual([{ kind: 'connect-upstream' }]);
    expect(s.on({ kind: 'client-data', bytes: bytes('ab') })).toEqual([]);
    expect(s.on({ kind: 'client-data', bytes: bytes('cd') })).toEqual([]);
    expect(s.on({ kind: 'client-end' })).toEqual([]);
    const actions = s.on({ kind: 'upstream-connected' });
    expect(actions.map((a) => a.kind)).toEqual(['to-upstream', 'to-upstream', 'end-upstream']);
    const second = (actions[1] as { bytes: Buffer }).bytes;
    expect(second.subarray(decoded(second).length)).toEqual(bytes('abcd'));
  });

  test("the upstream's FIN is passed to the client", () => {
    const s = session();
    connected(s);
    expect(s.on({ kind: 'upstream-end' })).toEqual([{ kind: 'end-client' }]);
  });
});

describe('headers, byte for byte', () => {
  test('the upstream header: PROXY, TCP over IPv4, client → listener, no TLVs', () => {
    const s = session();
    s.begin();
    const [upstream] = s.on({ kind: 'upstream-connected' });
    expect(upstream).toEqual({
      kind: 'to-upstream',
      bytes: hex(`${SIGNATURE} 21 11 000c ${INET_BLOCK}`),
    });
  });

  test('the target header with UNIQUE_ID and CRC32C, the checksum over the whole header with its own bytes zeroed', () => {
    const s = session({ headerPlacement: 'on_first_ack', tlvs: ['unique-id', 'crc32c'] });
    const [target] = connected(s);
    // 12 (addresses) + 3 + 4 (CRC32C, first, as HAProxy and AWS's checks place it) + 3 + 6
    // (UNIQUE_ID "conn-1") = 28.
    const zeroed = hex(
      `${SIGNATURE} 21 11 001c ${INET_BLOCK} 03 0004 00000000 05 0006 636f6e6e2d31`,
    );
    const expected = Buffer.from(zeroed);
    expected.writeUInt32BE(referenceCrc32c(zeroed), 16 + 12 + 3);
    expect(target).toEqual({ kind: 'to-upstream', bytes: expected });
    // The codec agrees: it verifies the checksum and reads the id back.
    const header = decoded(expected);
    expect(header.tlvs.map((t) => [t.name, t.value])).toEqual([
      ['CRC32C', { checksum: expect.any(String), verified: true }],
      ['UNIQUE_ID', 'conn-1'],
    ]);
  });

  test('a UNIQUE_ID over 128 bytes is refused (spec 2.2.5)', () => {
    const s = session(
      { headerPlacement: 'on_first_ack', tlvs: ['unique-id'] },
      { uniqueId: 'x'.repeat(129) },
    );
    s.begin();
    expect(() => s.on({ kind: 'upstream-connected' })).toThrow(/over 128 bytes/);
  });

  test('IPv6 client and listener: INET6 in both headers', () => {
    const client = { address: '2001:db8::7', port: 40000 };
    const listener = { address: '2001:db8::10', port: 3306 };
    const s = session({ headerPlacement: 'on_first_ack' }, { peer: client, listener });
    s.begin();
    for (const action of s.on({ kind: 'upstream-connected' })) {
      const header = decoded((action as { bytes: Buffer }).bytes);
      expect([header.family, header.source, header.destination]).toEqual([
        'INET6',
        client,
        listener,
      ]);
    }
  });

  test("a front's IPv6 client before an IPv4 listener: INET6, the listener IPv4-mapped (as HAProxy does)", () => {
    const s = session({ acceptProxy: true });
    s.begin();
    const front = encodeV1({
      family: 'INET6',
      source: { address: '2001:db8::7', port: 40000 },
      destination: { address: '2001:db8::1', port: 443 },
    });
    s.on({ kind: 'client-data', bytes: front });
    const [upstream] = s.on({ kind: 'upstream-connected' });
    const header = decoded((upstream as { bytes: Buffer }).bytes);
    expect([header.family, header.source, header.destination]).toEqual([
      'INET6',
      { address: '2001:db8::7', port: 40000 },
      { address: '::ffff:198.51.100.10', port: 3306 },
    ]);
  });
});

describe('acceptProxy: a front proxy names the client', () => {
  const frontV2 = encodeV2({
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    source: { address: '192.0.2.55', port: 61000 },
    destination: { address: '192.0.2.1', port: 443 },
    tlvs: [tlv.authority('db.example.internal')],
  });

  test("it waits for the front's header before connecting, split anywhere", () => {
    const s = session({ acceptProxy: true, headerPlacement: 'on_first_ack', tlvs: ['authority'] });
    expect(s.begin()).toEqual([]);
    expect(s.on({ kind: 'client-data', bytes: frontV2.subarray(0, 10) })).toEqual([]);
    expect(s.summary.client).toBeNull();
    const rest = Buffer.concat([frontV2.subarray(10), bytes('hello')]);
    expect(s.on({ kind: 'client-data', bytes: rest })).toEqual([{ kind: 'connect-upstream' }]);
    const [upstream, target, payload] = s.on({ kind: 'upstream-connected' });
    for (const header of [upstream, target].map((a) => decoded((a as { bytes: Buffer }).bytes))) {
      expect(header.source).toEqual({ address: '192.0.2.55', port: 61000 });
      // What the client dialled here is the NLB's listener, not the front's.
      expect(header.destination).toEqual(LISTENER);
    }
    expect(decoded((target as { bytes: Buffer }).bytes).tlvs.map((t) => [t.name, t.value])).toEqual(
      [['AUTHORITY', 'db.example.internal']],
    );
    // The upstream header names the client only.
    expect(decoded((upstream as { bytes: Buffer }).bytes).tlvs).toEqual([]);
    expect(payload).toEqual({ kind: 'to-upstream', bytes: bytes('hello') });
    expect(s.summary.clientFrom).toBe('front-header');
  });

  test('a v1 front header: the source is the client; no AUTHORITY to carry', () => {
    const s = session({ acceptProxy: true, headerPlacement: 'on_first_ack', tlvs: ['authority'] });
    s.begin();
    const front = encodeV1({
      family: 'INET',
      source: { address: '192.0.2.56', port: 61001 },
      destination: { address: '192.0.2.1', port: 443 },
    });
    expect(s.on({ kind: 'client-data', bytes: front })).toEqual([{ kind: 'connect-upstream' }]);
    const [, target] = s.on({ kind: 'upstream-connected' });
    const header = decoded((target as { bytes: Buffer }).bytes);
    expect(header.source).toEqual({ address: '192.0.2.56', port: 61001 });
    expect(header.tlvs).toEqual([]);
  });

  test('a LOCAL front header leaves the TCP peer as the client', () => {
    const s = session({ acceptProxy: true });
    s.begin();
    const local = encodeV2({ command: 'LOCAL', family: 'UNSPEC', protocol: 'UNSPEC' });
    expect(s.on({ kind: 'client-data', bytes: local })).toEqual([{ kind: 'connect-upstream' }]);
    expect(s.summary).toMatchObject({ client: CLIENT, clientFrom: 'peer' });
  });

  test('without a header, with a malformed one, or closed before it: refused', () => {
    const cases: [Buffer | null, RegExp][] = [
      [bytes('GET / HTTP/1.0\r\n'), /began without one/],
      [bytes('PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n'), /V1_BAD_PORT/],
      [null, /closed before/],
    ];
    for (const [first, why] of cases) {
      const s = session({ acceptProxy: true });
      s.begin();
      const actions = first
        ? s.on({ kind: 'client-data', bytes: first })
        : s.on({ kind: 'client-end' });
      expect(actions).toEqual([{ kind: 'refuse', reason: expect.stringMatching(why) }]);
      // Nothing more happens for a refused connection.
      expect(s.on({ kind: 'client-data', bytes: bytes('more') })).toEqual([]);
    }
  });

  test('off: a PROXY header from the client is payload like any other (an NLB reads none)', () => {
    const s = session({ headerPlacement: 'on_first_ack' });
    connected(s);
    expect(s.on({ kind: 'client-data', bytes: frontV2 })).toEqual([
      { kind: 'to-upstream', bytes: frontV2 },
    ]);
  });
});

describe('settings', () => {
  test("a key left out takes AWS's default: PROXY off, header with the first payload, no TLVs", () => {
    expect(parseSettings('{}')).toEqual({
      proxyProtocol: false,
      headerPlacement: 'on_first_ack_with_payload',
      tlvs: [],
      acceptProxy: false,
    });
  });

  test('every problem is named by its field', () => {
    expect(() => parseSettings('{"headerPlacement":"on_connect","tlvs":["ssl"]}')).toThrow(
      /headerPlacement: .*; tlvs\.0: /,
    );
    expect(() => parseSettings('{"proxyProtocol":true,"extra":1}')).toThrow(SettingsError);
    expect(() => parseSettings('{"proxyProt')).toThrow(/not JSON/);
  });
});
