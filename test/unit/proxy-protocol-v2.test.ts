import crc32cModule from 'crc-32/crc32c.js';
import fc from 'fast-check';
import { crc32cZeroed } from '../../harness/proxy-protocol/crc32c.ts';
import {
  crc32c,
  decodeProxyHeader,
  decodeV2,
  encodeV2,
  tlv,
  TLV,
} from '../../harness/proxy-protocol/index.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SIG = '0d0a0d0a000d0a515549540a';
const codeOf = (bytes: Buffer) => {
  const r = decodeV2(bytes);
  return r.kind === 'invalid' ? r.error.code : r.kind;
};
/** A v2 header from its ver_cmd, fam and body (hex), with the length filled in. */
const v2 = (verCmd: string, fam: string, body = '') => {
  const b = hex(body);
  return Buffer.concat([
    hex(`${SIG} ${verCmd} ${fam}`),
    hex(b.length.toString(16).padStart(4, '0')),
    b,
  ]);
};
/** The same header with the checksum in its last four bytes made right (crc-32, not the codec). */
const withCrcAtEnd = (header: Buffer) => {
  const out = Buffer.from(header);
  out.writeUInt32BE(0, out.length - 4);
  out.writeUInt32BE(crc32cModule.buf(out) >>> 0, out.length - 4);
  return out;
};
// As captured behind an NLB (kubernetes/kubernetes#57250): 84 bytes of TLVs only.
const NLB_HEALTH_CHECK = hex(`${SIG} 20 11 0054  03 0004 bce5951f  04 004a ${'00'.repeat(74)}`);
const tlvsOf = (bytes: Buffer) => {
  const r = decodeV2(bytes);
  if (r.kind !== 'header') throw new Error(JSON.stringify(r));
  return r.header.tlvs.map((t) => [t.name, t.value]);
};

describe('PROXY v2 (haproxy doc/proxy-protocol.txt 2.2)', () => {
  describe('byte-exact vectors', () => {
    test('AWS NLB health check: LOCAL, family 0x11, CRC32C + NOOP, no address block', () => {
      const r = decodeProxyHeader(NLB_HEALTH_CHECK);
      expect(r).toMatchObject({
        kind: 'header',
        header: {
          version: 2,
          command: 'LOCAL',
          family: 'INET',
          protocol: 'STREAM',
          source: null,
          destination: null,
          length: 100,
        },
      });
      expect(r.kind === 'header' && r.header.tlvs.map((t) => [t.name, t.value])).toEqual([
        ['CRC32C', { checksum: '0xbce5951f', verified: true }],
        ['NOOP', { length: 74 }],
      ]);
    });

    test('PROXY over TCP4 with the AWS VPC endpoint TLV', () => {
      // ver_cmd 0x21, fam 0x11, len 12 + 3 + 22: 192.0.2.10:40000 -> 10.0.0.5:3306.
      const vpce = Buffer.from('vpce-08d2bf15fEXAMPLE', 'latin1').toString('hex');
      const bytes = hex(`${SIG} 21 11 0025 c000020a 0a000005 9c40 0cea  ea 0016 01 ${vpce}`);
      const r = decodeProxyHeader(bytes);
      expect(r).toMatchObject({
        kind: 'header',
        header: {
          command: 'PROXY',
          source: { address: '192.0.2.10', port: 40000 },
          destination: { address: '10.0.0.5', port: 3306 },
          tlvs: [
            {
              type: 0xea,
              name: 'AWS',
              value: { subtype: 1, vpcEndpointId: 'vpce-08d2bf15fEXAMPLE' },
            },
          ],
        },
      });
    });

    test('PROXY over TCP6 writes addresses in compressed form', () => {
      const bytes = hex(
        `${SIG} 21 21 0024 20010db8000000000000000000000001 fd000000000000000000000000000002 d431 0cea`,
      );
      expect(decodeV2(bytes)).toMatchObject({
        kind: 'header',
        header: {
          family: 'INET6',
          source: { address: '2001:db8::1', port: 54321 },
          destination: { address: 'fd00::2', port: 3306 },
        },
      });
    });

    test('UNIX stream addresses are NUL-terminated paths', () => {
      const path = (p: string) =>
        Buffer.concat([Buffer.from(p), Buffer.alloc(108 - p.length)]).toString('hex');
      const bytes = hex(`${SIG} 21 31 00d8 ${path('/run/a.sock')} ${path('/run/b.sock')}`);
      expect(decodeV2(bytes)).toMatchObject({
        kind: 'header',
        header: { family: 'UNIX', source: { path: '/run/a.sock' } },
      });
    });

    test('UNSPEC with PROXY carries no addresses; DGRAM is decoded as such', () => {
      expect(decodeV2(hex(`${SIG} 21 00 0000`))).toMatchObject({
        kind: 'header',
        header: { family: 'UNSPEC', source: null },
      });
      expect(decodeV2(hex(`${SIG} 21 12 000c 01020304 05060708 0001 0002`))).toMatchObject({
        kind: 'header',
        header: { protocol: 'DGRAM' },
      });
    });

    test('LOCAL with a full address block ignores the addresses but honours the length', () => {
      const bytes = hex(`${SIG} 20 11 000c 01020304 05060708 0001 0002 ffff`);
      const r = decodeV2(bytes);
      expect(r).toMatchObject({
        kind: 'header',
        header: { command: 'LOCAL', source: null, length: 28, tlvs: [] },
      });
    });
  });

  describe('header rules: one valid and one invalid case each, with the spec reason', () => {
    test('signature: all 12 bytes (2.2: otherwise not this protocol)', () => {
      expect(decodeV2(hex(`${SIG} 21 00 0000`)).kind).toBe('header');
      expect(decodeV2(hex(`0d0a0d0a000d0a515549540b 21 00 0000`)).kind).toBe('absent');
    });
    test('version nibble must be 2 (2.2: "the receiver must only accept this value")', () => {
      expect(codeOf(hex(`${SIG} 11 00 0000`))).toBe('V2_BAD_VERSION');
    });
    test('command must be LOCAL (0) or PROXY (1) (2.2: "must drop connections presenting unexpected values")', () => {
      expect(codeOf(hex(`${SIG} 20 00 0000`))).toBe('header');
      expect(codeOf(hex(`${SIG} 22 00 0000`))).toBe('V2_BAD_COMMAND');
    });
    test('family above 3 or protocol above 2 is refused, LOCAL too (2.2: "must be rejected as invalid")', () => {
      expect(codeOf(hex(`${SIG} 21 32 00d8 ${'00'.repeat(216)}`))).toBe('header');
      for (const bad of ['13', '41'])
        for (const cmd of ['20', '21'])
          expect(codeOf(hex(`${SIG} ${cmd} ${bad} 0000`))).toBe('V2_BAD_FAMILY');
    });
    test('PROXY needs one of the seven listed pairs (2.2: with UNSPEC the receiver is "free to ... reject")', () => {
      for (const pair of ['01', '02', '10', '20', '30'])
        expect(codeOf(hex(`${SIG} 21 ${pair} 0000`))).toBe('V2_BAD_FAMILY');
    });
    test('LOCAL accepts any pair of defined nibbles (2.2: LOCAL "must accept", "the family ... is ignored")', () => {
      expect(
        decodeV2(
          v2('20', '10', `${'00'.repeat(12)} 02 0004 ${Buffer.from('db.x').toString('hex')}`),
        ),
      ).toMatchObject({
        kind: 'header',
        header: {
          command: 'LOCAL',
          family: 'INET',
          protocol: 'UNSPEC',
          source: null,
          tlvs: [{ name: 'AUTHORITY', value: 'db.x' }],
        },
      });
      expect(decodeV2(v2('20', '01'))).toMatchObject({
        kind: 'header',
        header: { family: 'UNSPEC', protocol: 'STREAM' },
      });
    });
    test('PROXY needs the whole address block within the declared length (2.2: "must reject ... partial protocol headers")', () => {
      expect(codeOf(hex(`${SIG} 21 11 000c ${'00'.repeat(12)}`))).toBe('header');
      expect(codeOf(hex(`${SIG} 21 11 000b ${'00'.repeat(11)}`))).toBe('V2_SHORT_ADDRESS');
    });
    test('the declared length is honoured: fewer bytes are incomplete, more are the payload (2.2: "always exactly 16 + this value")', () => {
      expect(decodeV2(hex(`${SIG} 21 11 000c ${'00'.repeat(11)}`))).toEqual({ kind: 'incomplete' });
      expect(decodeV2(hex(`${SIG} 21 11 000c ${'00'.repeat(12)} 0a 35`))).toMatchObject({
        header: { length: 28 },
      });
    });
  });

  describe('LOCAL: TLVs after the address block (spec) or straight after the fixed part (AWS NLB)', () => {
    // Spec reading: a 12-byte block, then CRC32C 0xdeadbeef. AWS reading: one 16-byte NOOP.
    const wrongCrc = hex(`${SIG} 20 11 0013 040010000000000000000000 03 0004 deadbeef`);

    test('a CRC32C that does not verify is refused even when the other reading parses without one', () => {
      expect(codeOf(wrongCrc)).toBe('V2_CRC_MISMATCH');
      const proxy = Buffer.from(wrongCrc);
      proxy[12] = 0x21;
      expect(codeOf(proxy)).toBe('V2_CRC_MISMATCH');
    });
    test('the same header with its checksum right decodes with the spec reading', () => {
      expect(tlvsOf(withCrcAtEnd(wrongCrc))).toEqual([
        ['CRC32C', { checksum: expect.stringMatching(/^0x[0-9a-f]{8}$/), verified: true }],
      ]);
    });
    test('the NLB vector with a broken checksum is refused, though the spec reading parses', () => {
      const broken = Buffer.from(NLB_HEALTH_CHECK);
      broken[19]! ^= 0x01; // in the checksum
      expect(codeOf(broken)).toBe('V2_CRC_MISMATCH');
      const specReadingOnly = Buffer.from(broken);
      specReadingOnly[12] = 0x21; // PROXY: TLVs after the block, 24 empty type-0 ones
      expect(tlvsOf(specReadingOnly)).toHaveLength(24);
    });
    test('a zeroed 12-byte INET block and nothing after it has no TLVs (not four empty type-0 ones)', () => {
      expect(decodeV2(v2('20', '11', '00'.repeat(12)))).toMatchObject({
        kind: 'header',
        header: { command: 'LOCAL', length: 28, tlvs: [] },
      });
    });
    test('without a checksum the spec reading wins when both parse', () => {
      const authority = Buffer.from('db.example').toString('hex');
      expect(tlvsOf(v2('20', '11', `${'00'.repeat(12)} 02 000a ${authority}`))).toEqual([
        ['AUTHORITY', 'db.example'],
      ]);
    });
    test('the AWS reading is taken when only it parses, or when the length cannot hold the block', () => {
      expect(tlvsOf(v2('20', '11', `04 0010 ${'00'.repeat(16)}`))).toEqual([
        ['NOOP', { length: 16 }],
      ]);
      expect(tlvsOf(v2('20', '11', `04 0002 0000`))).toEqual([['NOOP', { length: 2 }]]);
    });
    test('when neither reading parses, the parse error is the answer', () => {
      expect(codeOf(v2('20', '11', `04 00ff ${'00'.repeat(10)}`))).toBe('V2_TLV_OVERRUN');
    });
  });

  describe('TLV rules (tlv.ts): refused only where the spec makes the header invalid', () => {
    const under = (vector: string) => v2('21', '00', vector);
    const ascii = (text: string) => Buffer.from(text, 'latin1').toString('hex');
    const flagged = (data: string, layout: RegExp) => ({
      data,
      layout: expect.stringMatching(layout),
    });

    test('a TLV must end within the header (2.2: its length counts bytes of this header)', () => {
      expect(codeOf(under('04 0002 0000'))).toBe('header');
      expect(codeOf(under('04 0003 0000'))).toBe('V2_TLV_OVERRUN');
      expect(codeOf(under('04 00'))).toBe('V2_TLV_OVERRUN');
    });
    test('CRC32C is verified over the whole header with the checksum zeroed (2.2.3: "MUST treat ... as invalid")', () => {
      const good = encodeV2({
        command: 'PROXY',
        family: 'UNSPEC',
        protocol: 'UNSPEC',
        crc32c: true,
      });
      expect(codeOf(good)).toBe('header');
      const bad = Buffer.from(good);
      bad[bad.length - 1]! ^= 0x01;
      expect(codeOf(bad)).toBe('V2_CRC_MISMATCH');
    });
    test('CRC32C is 4 bytes (2.2.3: "a 32-bit number")', () => {
      expect(codeOf(under('03 0003 000000'))).toBe('V2_BAD_CRC32C');
    });
    test('one CRC32C only (2.2.3 defines one checksum field; HAProxy cannot verify a second)', () => {
      const one = withCrcAtEnd(under('03 0004 00000000'));
      const two = withCrcAtEnd(under('03 0004 00000000 03 0004 00000000'));
      expect(codeOf(one)).toBe('header');
      expect(codeOf(two)).toBe('V2_BAD_CRC32C');
    });
    test('UNIQUE_ID is at most 128 bytes (2.2.5: "up to 128 bytes")', () => {
      const id = (n: number) =>
        encodeV2({
          command: 'PROXY',
          family: 'UNSPEC',
          protocol: 'UNSPEC',
          tlvs: [tlv.uniqueId('x'.repeat(n))],
        });
      expect(codeOf(id(128))).toBe('header');
      expect(codeOf(id(129))).toBe('V2_UNIQUE_ID_TOO_LONG');
    });
    test('ALPN and UNIQUE_ID are any bytes (2.2.1 "a byte sequence", 2.2.5 "opaque"): text, else hex', () => {
      expect(tlvsOf(under(`01 0002 ${ascii('h2')} 05 0002 00ff`))).toEqual([
        ['ALPN', 'h2'],
        ['UNIQUE_ID', '0x00ff'],
      ]);
    });
    test('AUTHORITY is UTF-8 (2.2.2), without a refusal: anything else is kept opaque and flagged', () => {
      const host = Buffer.from('bücher.example', 'utf8').toString('hex');
      expect(tlvsOf(under(`02 000f ${host} 02 0002 c328`))).toEqual([
        ['AUTHORITY', 'bücher.example'],
        ['AUTHORITY', flagged('c328', /UTF-8/)],
      ]);
    });
    test('NETNS is US-ASCII (2.2.7), without a refusal: anything else is kept opaque and flagged', () => {
      expect(tlvsOf(under(`30 0004 ${ascii('blue')} 30 0002 ff41`))).toEqual([
        ['NETNS', 'blue'],
        ['NETNS', flagged('ff41', /US-ASCII/)],
      ]);
    });
    test('SSL: client byte, verify word, sub-TLVs (2.2.6) decoded by their own names', () => {
      const ssl = tlv.ssl({
        client: 1,
        verify: 0,
        subTlvs: [
          tlv.sslSub(TLV.SSL_VERSION, 'TLSv1.3'),
          tlv.sslSub(TLV.SSL_CN, 'client.example'),
          tlv.sslSub(TLV.SSL_GROUP, 'x25519'),
        ],
      });
      const r = decodeV2(
        encodeV2({ command: 'PROXY', family: 'UNSPEC', protocol: 'UNSPEC', tlvs: [ssl] }),
      );
      expect(r).toMatchObject({
        kind: 'header',
        header: {
          tlvs: [
            {
              name: 'SSL',
              value: {
                clientSsl: true,
                clientCertConn: false,
                verify: 0,
                subTlvs: [
                  { name: 'SSL_VERSION', value: 'TLSv1.3' },
                  { name: 'SSL_CN', value: 'client.example' },
                  { name: 'SSL_GROUP', value: 'x25519' },
                ],
              },
            },
          ],
        },
      });
    });
    test('SSL off its layout (2.2.6 gives no refusal): short, or sub-TLVs that do not fill it, kept opaque', () => {
      expect(tlvsOf(under('20 0004 01000000 20 0007 0100000000 2100'))).toEqual([
        ['SSL', flagged('01000000', /5-byte/)],
        ['SSL', flagged('01000000002100', /sub-TLVs/)],
      ]);
    });
    test('SSL text sub-TLVs: CN UTF-8, the others US-ASCII (2.2.6); CLIENT_CERT is DER', () => {
      const r = tlvsOf(under('20 0012 0100000000 22 0001 ff 21 0001 80 28 0002 3000'));
      expect(r[0]![1]).toMatchObject({
        subTlvs: [
          { name: 'SSL_CN', value: flagged('ff', /UTF-8/) },
          { name: 'SSL_VERSION', value: flagged('80', /US-ASCII/) },
          { name: 'SSL_CLIENT_CERT', value: '0x3000' },
        ],
      });
    });
    test('sub-TLV types are their own namespace: 0x03 inside SSL is no CRC32C, 0x21 outside is no SSL_VERSION', () => {
      const r = tlvsOf(under(`20 000c 0100000000 03 0004 deadbeef 21 0001 ${ascii('x')}`));
      expect(r[0]![1]).toMatchObject({
        subTlvs: [{ type: 3, name: 'UNKNOWN', value: '0xdeadbeef' }],
      });
      expect(r[1]).toEqual(['UNKNOWN', '0x78']);
    });
    test('cloud TLVs: AWS VPC endpoint, Azure Private Link id (uint32 LE), GCP PSC connection id (uint64 BE)', () => {
      const r = decodeV2(
        encodeV2({
          command: 'PROXY',
          family: 'UNSPEC',
          protocol: 'UNSPEC',
          tlvs: [
            tlv.awsVpcEndpoint('vpce-1'),
            tlv.azureLinkId(0x01020304),
            tlv.gcpPscConnection(18446744073709551615n),
          ],
        }),
      );
      expect(r.kind === 'header' && r.header.tlvs.map((t) => t.value)).toEqual([
        { subtype: 1, vpcEndpointId: 'vpce-1', data: ascii('vpce-1') },
        { subtype: 1, privateLinkId: 0x01020304, data: '04030201' },
        { pscConnectionId: '18446744073709551615' },
      ]);
    });
    test('0xE0-0xEF are application-specific (2.2.8): off the vendor layout they are kept opaque, not refused', () => {
      expect(tlvsOf(under('e0 0006 000000000001 ea 0000 ee 0000 ee 0001 01 ee 0002 0207'))).toEqual(
        [
          ['GCP', flagged('000000000001', /8-byte PSC/)],
          ['AWS', flagged('', /subtype/)],
          ['AZURE', flagged('', /subtype/)],
          ['AZURE', flagged('01', /4-byte link id/)],
          ['AZURE', { subtype: 2, data: '07' }],
        ],
      );
    });
    test('other types, experimental and future ones too (2.2.8), are kept raw, never leaked into the payload', () => {
      const r = decodeV2(hex(`${SIG} 21 00 000c f1 0002 beef e5 0000 fa 0001 00 4d59`));
      expect(r).toMatchObject({
        kind: 'header',
        header: {
          length: 28,
          tlvs: [
            { type: 0xf1, name: 'UNKNOWN', value: '0xbeef' },
            { type: 0xe5, name: 'UNKNOWN', value: '0x' },
            { type: 0xfa, name: 'UNKNOWN', value: '0x00' },
          ],
        },
      });
    });
    test('NOOP is zero or more ignored bytes (2.2.4)', () => {
      expect(tlvsOf(under('04 0000 04 0003 ffffff'))).toEqual([
        ['NOOP', { length: 0 }],
        ['NOOP', { length: 3 }],
      ]);
    });
  });
});

describe('CRC-32C', () => {
  test("matches crc-32's CRC-32C, and the RFC 3720 check value", () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(crc32c(data)).toBe(crc32cModule.buf(data) >>> 0);
      }),
      { numRuns: 2000 },
    );
  });

  test('zeroing the field virtually gives the checksum of a zeroed copy', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 300 }), fc.nat(), (data, pick) => {
        const at = pick % (data.length - 3);
        const copy = Buffer.from(data);
        copy.writeUInt32BE(0, at);
        expect(crc32cZeroed(data, data.length, at)).toBe(crc32cModule.buf(copy) >>> 0);
      }),
      { numRuns: 2000 },
    );
  });
});
