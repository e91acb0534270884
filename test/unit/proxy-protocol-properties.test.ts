import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import {
  decodeProxyHeader,
  encodeV1,
  encodeV2,
  ProxyHeaderReader,
  tlv,
  type RawTlv,
} from '../../harness/proxy-protocol/index.ts';

const port = fc.integer({ min: 0, max: 65535 });
const ipv4 = fc.ipV4();
// IPv6 as Node prints it (compressed, lower case): what the decoder prints.
const ipv6 = fc.ipV6().map((a) => new SocketAddress({ address: a, family: 'ipv6' }).address);
const endpoint4 = fc.record({ address: ipv4, port });
const endpoint6 = fc.record({ address: ipv6, port });

const knownTlv: fc.Arbitrary<RawTlv> = fc.oneof(
  fc.stringMatching(/^[a-z0-9/.-]{1,20}$/).map(tlv.alpn),
  fc.stringMatching(/^[a-z0-9.-]{1,40}$/).map(tlv.authority),
  fc.integer({ min: 0, max: 40 }).map(tlv.noop),
  fc.stringMatching(/^[A-Za-z0-9]{1,128}$/).map(tlv.uniqueId),
  fc.stringMatching(/^vpce-[0-9a-f]{17}$/).map(tlv.awsVpcEndpoint),
  fc.integer({ min: 0, max: 0xffffffff }).map(tlv.azureLinkId),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(tlv.gcpPscConnection),
  fc
    .tuple(fc.integer({ min: 0xf0, max: 0xff }), fc.uint8Array({ maxLength: 30 }))
    .map(([t, v]) => tlv.raw(t, v)),
);

const v2Input = fc.oneof(
  fc.record({
    command: fc.constant('PROXY' as const),
    family: fc.constant('INET' as const),
    protocol: fc.constantFrom('STREAM' as const, 'DGRAM' as const),
    source: endpoint4,
    destination: endpoint4,
    tlvs: fc.array(knownTlv, { maxLength: 5 }),
    crc32c: fc.boolean(),
  }),
  fc.record({
    command: fc.constant('PROXY' as const),
    family: fc.constant('INET6' as const),
    protocol: fc.constant('STREAM' as const),
    source: endpoint6,
    destination: endpoint6,
    tlvs: fc.array(knownTlv, { maxLength: 5 }),
    crc32c: fc.boolean(),
  }),
  fc.record({
    command: fc.constant('LOCAL' as const),
    family: fc.constant('UNSPEC' as const),
    protocol: fc.constant('UNSPEC' as const),
    tlvs: fc.array(knownTlv, { maxLength: 5 }),
    crc32c: fc.boolean(),
  }),
);

const v1Input = fc.oneof(
  fc.record({ family: fc.constant('INET' as const), source: endpoint4, destination: endpoint4 }),
  fc.record({ family: fc.constant('INET6' as const), source: endpoint6, destination: endpoint6 }),
);

describe('codec properties', () => {
  test('v1: decode(encode(h)) gives h back', () => {
    fc.assert(
      fc.property(v1Input, (h) => {
        const r = decodeProxyHeader(encodeV1(h));
        expect(r).toMatchObject({
          kind: 'header',
          header: { version: 1, family: h.family, source: h.source, destination: h.destination },
        });
      }),
    );
  });

  test('v2: decode(encode(h)) gives h back, TLV by TLV', () => {
    fc.assert(
      fc.property(v2Input, (h) => {
        const bytes = encodeV2(h);
        const r = decodeProxyHeader(bytes);
        if (r.kind !== 'header') throw new Error(JSON.stringify(r));
        expect(r.header.length).toBe(bytes.length);
        expect(r.header.command).toBe(h.command);
        if (h.command === 'PROXY')
          expect([r.header.source, r.header.destination]).toEqual([h.source, h.destination]);
        const expected = [...h.tlvs.map((t) => t.type), ...(h.crc32c ? [0x03] : [])];
        expect(r.header.tlvs.map((t) => t.type)).toEqual(expected);
        expect(r.header.tlvs.map((t) => t.hex).slice(0, h.tlvs.length)).toEqual(
          h.tlvs.map((t) => Buffer.from(t.value).toString('hex')),
        );
      }),
    );
  });

  test('every split point gives the same result as the whole', () => {
    const encoded = fc.oneof(v1Input.map(encodeV1), v2Input.map(encodeV2));
    fc.assert(
      fc.property(encoded, fc.uint8Array({ maxLength: 8 }), fc.nat(), (header, payload, at) => {
        const bytes = Buffer.concat([header, payload]);
        const split = at % (bytes.length + 1);
        const reader = new ProxyHeaderReader();
        const first = reader.push(bytes.subarray(0, split));
        const step = first.kind === 'need-more' ? reader.push(bytes.subarray(split)) : first;
        const whole = decodeProxyHeader(bytes);
        expect(step.kind).toBe('header');
        if (step.kind !== 'header' || whole.kind !== 'header') return;
        expect(step.header).toEqual(whole.header);
        // Bytes pushed after the header was decided are the application's own.
        const later = first.kind === 'need-more' ? Buffer.alloc(0) : bytes.subarray(split);
        expect(Buffer.concat([step.rest, later]).equals(payload)).toBe(true);
      }),
    );
  });

  test('random and mutated bytes never throw: every failure is a typed, coded result', () => {
    const mutated = fc
      .tuple(
        fc.oneof(v1Input.map(encodeV1), v2Input.map(encodeV2)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      )
      .map(([b, edits]) => {
        const copy = Buffer.from(b);
        for (const [i, v] of edits) copy[i % copy.length] = v;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        const r = decodeProxyHeader(bytes);
        expect(['header', 'incomplete', 'absent', 'invalid']).toContain(r.kind);
        if (r.kind === 'invalid') {
          expect(r.error.code).toMatch(/^[A-Z0-9_]+$/);
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('streaming reader', () => {
  const header = encodeV2({
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    source: { address: '192.0.2.1', port: 1 },
    destination: { address: '192.0.2.2', port: 2 },
  });

  test('need-more is not invalid, and a decided result stays decided', () => {
    const reader = new ProxyHeaderReader();
    expect(reader.push(header.subarray(0, 5))).toEqual({ kind: 'need-more' });
    const done = reader.push(header.subarray(5));
    expect(done.kind).toBe('header');
    expect(reader.push(Buffer.from('more'))).toBe(done);
  });
  test('a stream without a header hands back everything pushed', () => {
    const reader = new ProxyHeaderReader();
    const step = reader.push(Buffer.from('\x0a5.5.5'));
    expect(step).toMatchObject({ kind: 'absent' });
    expect(step.kind === 'absent' && step.rest.toString('latin1')).toBe('\x0a5.5.5');
  });
  test('the caller sets the maximum size: a larger declared length fails at once', () => {
    const reader = new ProxyHeaderReader({ maxHeaderBytes: 200 });
    const big = Buffer.from(header.subarray(0, 16));
    big.writeUInt16BE(500, 14);
    expect(reader.push(big)).toMatchObject({
      kind: 'invalid',
      error: { code: 'HEADER_TOO_LARGE' },
    });
  });
  test('the caller sets the deadline: an unfinished header fails after it', () => {
    const reader = new ProxyHeaderReader({ deadline: 1000 });
    expect(reader.push(header.subarray(0, 10), 900)).toEqual({ kind: 'need-more' });
    expect(reader.check(999)).toEqual({ kind: 'need-more' });
    expect(reader.check(1001)).toMatchObject({ kind: 'invalid', error: { code: 'DEADLINE' } });
  });
});
