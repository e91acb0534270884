import { defineScenario } from '../harness/scenario/schema.ts';

// The blog's two EC2 hosts behind one ELB: round robin must spread the
// connections, and each backend must still see each connection's own client.
export default defineScenario({
  id: 'two-backends',
  title: 'Round robin over two instances: both serve, each sees its own client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 2,
  clients: { harness: 8 },
  expect: { header: 'v1', backendSees: 'client', allBackendsServe: true },
});
