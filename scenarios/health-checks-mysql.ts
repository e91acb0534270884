import { defineScenario } from '../harness/scenario/schema.ts';

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
  backends: 2,
  backendMaxConnectErrors: 10,
  clients: { harness: 4 },
  expect: { header: 'v1', backendSees: 'client', abortedConnects: 'none', allBackendsServe: true },
});
