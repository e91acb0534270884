import { defineScenario } from 'proxyproof';

// What a Classic ELB's TCP health check does to a backend that expects PROXY.
// As on AWS (checkr/codeflow#117), a check to a port with the policy carries a v1
// header whose source and destination are both the ELB's own address, then
// closes: on MariaDB 10.11 every check is an aborted handshake ("closed normally
// without authentication"), counted in Aborted_connects against the ELB's own
// host, ten times a second here. Past max_connect_errors, clients (whose host is
// the header's, not the ELB's) were still served and seen right.
export default defineScenario({
  id: 'health-checks',
  title:
    'Classic ELB TCP health checks: a v1 header from and to the ELB, an aborted handshake each; clients still seen correctly',
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
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'aborted-connects', expect: 'some' },
    { kind: 'health-check-header', expect: 'classic-v1' },
  ],
});
