import { defineScenario } from 'proxyproof';

// Your own NLB with proxy_protocol_v2.enabled on its target group: does MySQL see
// the client? Needs the AWS settings in the README; the attribute is put back.
export default defineScenario({
  id: 'aws-nlb-v2',
  title: 'AWS NLB with proxy_protocol_v2.enabled: the backend sees the runner',
  target: 'aws',
  balancer: { kind: 'nlb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb' },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v2' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
