import { defineScenario } from 'proxyproof';

// What a plain TCP health check (as an ELB TCP check) does to a backend that
// expects PROXY: observed on MariaDB 10.11, every check is an aborted handshake
// ("closed normally without authentication"), counted in Aborted_connects and
// logged as a warning, ten times a second here. Past max_connect_errors, clients
// (whose host is the header's, not the balancer's) were still served and seen right.
export default defineScenario({
  id: 'health-checks',
  title:
    'Plain TCP health checks abort a handshake on every check; clients are still seen correctly',
  balancer: {
    kind: 'classic-elb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    healthCheck: { kind: 'tcp', intervalMs: 100, runForMs: 2_000 },
  },
  backends: { kind: 'mariadb', count: 2, maxConnectErrors: 10 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'aborted-connects', expect: 'some' },
  ],
});
