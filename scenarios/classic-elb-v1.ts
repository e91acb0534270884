import { defineScenario } from 'proxyproof';

// The blog's setup: a Classic ELB with ProxyProtocolPolicyType on instance port 3306.
export default defineScenario({
  id: 'classic-elb-v1',
  title: 'Classic ELB with the proxy protocol policy: every backend sees its client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 6 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    // The blog's own test: SELECT USER() through the ELB names the client.
    { kind: 'user-host', who: 'client' },
  ],
});
