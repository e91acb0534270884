import { defineScenario } from 'proxyproof';

// The blog's two EC2 hosts behind one ELB: round robin must spread the
// connections, and each backend must still see each connection's own client.
export default defineScenario({
  id: 'two-backends',
  title: 'Round robin over two instances: both serve, each sees its own client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 8 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'all-backends-serve' },
  ],
});
