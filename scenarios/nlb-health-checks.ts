import { defineScenario } from 'proxyproof';

// What an NLB's TCP health check sends with proxy_protocol_v2 on, byte for byte
// as captured behind one (kubernetes/kubernetes#57250): a v2 LOCAL header with
// no address block, a CRC32C and a NOOP padding it to 100 bytes, then a close.
// MariaDB accepts LOCAL from a trusted sender and then counts the check as an
// aborted handshake, against the NLB's own host; clients are not affected.
export default defineScenario({
  id: 'nlb-health-checks',
  title:
    'NLB TCP health checks: a v2 LOCAL header with CRC32C and NOOP, an aborted handshake each; clients still seen correctly',
  balancer: {
    kind: 'nlb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    // Off, as for IP targets: the TCP peer is the NLB (nlb-client-ip-* turn it on).
    preserveClientIp: false,
    healthCheck: { kind: 'tcp', intervalMs: 100, runForMs: 2_000 },
  },
  backends: { kind: 'mariadb', count: 2, maxConnectErrors: 10 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v2', destination: 'dialled' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'aborted-connects', expect: 'some' },
    { kind: 'health-check-header', expect: 'nlb-v2-local' },
  ],
});
