import { defineScenario } from 'proxyproof';

// An NLB-style balancer with proxy_protocol_v2.enabled and TLVs: CRC32C over
// each header, a UNIQUE_ID per connection, and the AUTHORITY a TLS front
// passed on (clients reach it through such a front, which speaks PROXY v2).
export default defineScenario({
  id: 'nlb-v2-tlv',
  title:
    'NLB-style PROXY v2 with CRC32C, UNIQUE_ID and AUTHORITY: checksums verified, TLVs in the evidence',
  balancer: {
    kind: 'nlb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    // Off, as for IP targets: the TCP peer is the NLB (nlb-client-ip-* turn it on).
    preserveClientIp: false,
    v2Tlvs: ['crc32c', 'unique-id', 'authority'],
    acceptProxy: true,
  },
  backends: { kind: 'mariadb', count: 2 },
  fronts: [{ kind: 'tls-front', authority: 'db.proxyproof.test' }],
  clients: [{ kind: 'harness', count: 6 }],
  checks: [
    {
      kind: 'header',
      version: 'v2',
      tlvs: ['CRC32C', 'UNIQUE_ID', 'AUTHORITY'],
      authority: 'db.proxyproof.test',
      destination: 'dialled',
    },
    { kind: 'backend-sees', who: 'client' },
  ],
});
