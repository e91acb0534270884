import { defineScenario } from 'proxyproof';

// The state before the blog's policy: TCP balancing hides the client. This
// scenario passes by detecting exactly that loss.
export default defineScenario({
  id: 'classic-elb-policy-off',
  title: 'Classic ELB without the policy: no header, the backend sees only the balancer',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: false },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'none' },
    { kind: 'backend-sees', who: 'balancer' },
  ],
});
