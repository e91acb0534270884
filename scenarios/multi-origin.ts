import { defineScenario } from 'proxyproof';

// Many origins at once: five client containers, each from its own fixed
// address running the real `mariadb` client, plus 50 concurrent mysql2
// sessions from the harness. Every session must be attributed to its own origin.
export default defineScenario({
  id: 'multi-origin',
  title:
    'Five client hosts and 50 concurrent sessions: every connection attributed to its own origin',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 2 },
  clients: [
    { kind: 'harness', count: 50 },
    { kind: 'mariadb-cli', count: 5 },
  ],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'all-backends-serve' },
  ],
});
