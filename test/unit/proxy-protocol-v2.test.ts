import {
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

describe('PROXY v2 (haproxy doc/proxy-protocol.txt 2.2)', () => {
  describe('byte-exact vectors', () => {
    test('AWS NLB health check: LOCAL, family 0x11, CRC32C + NOOP, no address block', () => {
      // As captured behind an NLB (kubernetes/kubernetes#57250): 84 bytes of TLVs only.
      const nlb = hex(`${SIG} 20 11 0054  03 0004 bce5951f  04 004a ${'00'.repeat(74)}`);
      const r = decodeProxyHeader(nlb);
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

  describe('one valid and one invalid case per rule', () => {
    test('signature: all 12 bytes', () => {
      expect(decodeV2(hex(`${SIG} 21 00 0000`)).kind).toBe('header');
      expect(decodeV2(hex(`0d0a0d0a000d0a515549540b 21 00 0000`)).kind).toBe('absent');
    });
    test('version nibble must be 2', () => {
      expect(codeOf(hex(`${SIG} 11 00 0000`))).toBe('V2_BAD_VERSION');
    });
    test('command must be LOCAL (0) or PROXY (1)', () => {
      expect(codeOf(hex(`${SIG} 20 00 0000`))).toBe('header');
      expect(codeOf(hex(`${SIG} 22 00 0000`))).toBe('V2_BAD_COMMAND');
    });
    test('family/protocol byte must be one of the seven defined', () => {
      expect(codeOf(hex(`${SIG} 21 32 00d8 ${'00'.repeat(216)}`))).toBe('header');
      for (const bad of ['13', '01', '10', '41'])
        expect(codeOf(hex(`${SIG} 21 ${bad} 0000`))).toBe('V2_BAD_FAMILY');
    });
    test('PROXY needs the whole address block within the declared length', () => {
      expect(codeOf(hex(`${SIG} 21 11 000c ${'00'.repeat(12)}`))).toBe('header');
      expect(codeOf(hex(`${SIG} 21 11 000b ${'00'.repeat(11)}`))).toBe('V2_SHORT_ADDRESS');
    });
    test('the declared length is honoured: fewer bytes are incomplete, more are the payload', () => {
      expect(decodeV2(hex(`${SIG} 21 11 000c ${'00'.repeat(11)}`))).toEqual({ kind: 'incomplete' });
      expect(decodeV2(hex(`${SIG} 21 11 000c ${'00'.repeat(12)} 0a 35`))).toMatchObject({
        header: { length: 28 },
      });
    });
    test('a TLV must end within the header', () => {
      expect(codeOf(hex(`${SIG} 21 00 0005 04 0002 0000`))).toBe('header');
      expect(codeOf(hex(`${SIG} 21 00 0005 04 0003 0000`))).toBe('V2_TLV_OVERRUN');
      expect(codeOf(hex(`${SIG} 21 00 0002 04 00`))).toBe('V2_TLV_OVERRUN');
    });
    test('CRC32C is verified over the whole header with the checksum zeroed', () => {
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
      expect(codeOf(hex(`${SIG} 21 00 0006 03 0003 000000`))).toBe('V2_BAD_CRC32C');
    });
    test('UNIQUE_ID is at most 128 bytes', () => {
      const ok = encodeV2({
        command: 'PROXY',
        family: 'UNSPEC',
        protocol: 'UNSPEC',
        tlvs: [tlv.uniqueId('x'.repeat(128))],
      });
      const long = encodeV2({
        command: 'PROXY',
        family: 'UNSPEC',
        protocol: 'UNSPEC',
        tlvs: [tlv.uniqueId('x'.repeat(129))],
      });
      expect(codeOf(ok)).toBe('header');
      expect(codeOf(long)).toBe('V2_UNIQUE_ID_TOO_LONG');
    });
    test('SSL needs its client byte and verify word; its sub-TLVs must fit', () => {
      const ssl = tlv.ssl({
        client: 1,
        verify: 0,
        subTlvs: [tlv.sslSub(TLV.SSL_VERSION, 'TLSv1.3'), tlv.sslSub(TLV.SSL_CN, 'client.example')],
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
                ],
              },
            },
          ],
        },
      });
      expect(codeOf(hex(`${SIG} 21 00 0007 20 0004 01000000`))).toBe('V2_BAD_SSL_TLV');
      expect(codeOf(hex(`${SIG} 21 00 000a 20 0007 0100000000 2100`))).toBe('V2_TLV_OVERRUN');
    });
    test('cloud TLVs: Azure Private Link id (uint32 LE), GCP PSC connection id (uint64 BE)', () => {
      const r = decodeV2(
        encodeV2({
          command: 'PROXY',
          family: 'UNSPEC',
          protocol: 'UNSPEC',
          tlvs: [tlv.azureLinkId(0x01020304), tlv.gcpPscConnection(18446744073709551615n)],
        }),
      );
      expect(r.kind === 'header' && r.header.tlvs.map((t) => t.value)).toEqual([
        { subtype: 1, privateLinkId: 0x01020304, data: '04030201' },
        { pscConnectionId: '18446744073709551615' },
      ]);
      expect(codeOf(hex(`${SIG} 21 00 0009 e0 0006 000000000001`))).toBe('V2_BAD_GCP_TLV');
      expect(codeOf(hex(`${SIG} 21 00 0004 ee 0001 01`))).toBe('V2_BAD_AZURE_TLV');
      expect(codeOf(hex(`${SIG} 21 00 0003 ea 0000`))).toBe('V2_BAD_AWS_TLV');
    });
    test('unknown TLVs are kept raw, never leaked into the payload', () => {
      const r = decodeV2(hex(`${SIG} 21 00 0005 f1 0002 beef 4d59`));
      expect(r).toMatchObject({
        kind: 'header',
        header: { length: 21, tlvs: [{ type: 0xf1, name: 'UNKNOWN', value: '0xbeef' }] },
      });
    });
    test('ALPN, AUTHORITY, NETNS and NOOP read as the spec describes them', () => {
      const r = decodeV2(
        encodeV2({
          command: 'PROXY',
          family: 'UNSPEC',
          protocol: 'UNSPEC',
          tlvs: [tlv.alpn('h2'), tlv.authority('db.example.com'), tlv.netns('blue'), tlv.noop(3)],
        }),
      );
      expect(r.kind === 'header' && r.header.tlvs.map((t) => [t.name, t.value])).toEqual([
        ['ALPN', 'h2'],
        ['AUTHORITY', 'db.example.com'],
        ['NETNS', 'blue'],
        ['NOOP', { length: 3 }],
      ]);
    });
  });
});
