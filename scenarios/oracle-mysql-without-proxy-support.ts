import { defineScenario } from 'proxyproof';

// The other half of backend-without-proxy-support: Oracle MySQL 8 has no PROXY
// protocol support at all. It needs the official image, so without a registry
// this scenario is skipped and says so.
export default defineScenario({
  id: 'oracle-mysql-without-proxy-support',
  title: 'The balancer sends PROXY to Oracle MySQL 8, which does not speak it',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'oracle-mysql' },
  clients: [{ kind: 'harness', count: 2 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    // Not observed here (no registry): what MySQL 8 makes of a header it reads as a handshake.
    {
      kind: 'refused',
      with: ['ER_HANDSHAKE_ERROR', 'ER_NET_PACKETS_OUT_OF_ORDER', 'ER_MALFORMED_PACKET'],
    },
  ],
});
