import { defineScenario } from '../harness/scenario/schema.ts';

// The other half of backend-without-proxy-support: Oracle MySQL 8 has no PROXY
// protocol support at all. It needs the official image, so without a registry
// this scenario is skipped and says so.
export default defineScenario({
  id: 'oracle-mysql-without-proxy-support',
  title: 'The balancer sends PROXY to Oracle MySQL 8, which does not speak it',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 1,
  backendServer: 'oracle-mysql',
  clients: { harness: 2 },
  expect: { header: 'v1', backendSees: 'nobody', refusal: 'ER_HOST_NOT_PRIVILEGED' },
});
