import { defineScenario } from '../harness/scenario/schema.ts';

// The blog's setup: a Classic ELB with ProxyProtocolPolicyType on instance port 3306.
export default defineScenario({
  id: 'classic-elb-v1',
  title: 'Classic ELB with the proxy protocol policy: every backend sees its client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 2,
  clients: { harness: 6 },
  expect: { header: 'v1', backendSees: 'client' },
});
