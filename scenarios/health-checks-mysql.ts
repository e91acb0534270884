import { defineScenario } from 'proxyproof';

// The recommended configuration: checks that speak PROXY and then log in as a
// real MySQL client (HAProxy check-send-proxy + option mysql-check, with a
// passwordless user that has no grants). No handshake is aborted, the backends
// stay up, and clients are seen correctly.
export default defineScenario({
  id: 'health-checks-mysql',
  title:
    'PROXY-aware MySQL health checks: no aborted handshakes, backends up, clients seen correctly',
  balancer: {
    kind: 'classic-elb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    healthCheck: { kind: 'mysql', intervalMs: 100, runForMs: 2_000 },
  },
  backends: { kind: 'mariadb', count: 2, maxConnectErrors: 10 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'aborted-connects', expect: 'none' },
    { kind: 'all-backends-serve' },
  ],
});
