import { defineScenario } from 'proxyproof';

// The blog's question, asked of your own Classic ELB: with ProxyProtocolPolicyType
// on the instance port, does MySQL see the client? Needs the AWS settings in the
// README; the policy is put back as it was afterwards.
export default defineScenario({
  id: 'aws-classic-elb-v1',
  title: 'AWS Classic ELB with the proxy protocol policy: the backend sees the runner',
  target: 'aws',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb' },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
