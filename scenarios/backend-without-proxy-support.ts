import { defineScenario } from 'proxyproof';

// The balancer sends PROXY to a backend that does not speak it (MariaDB with no
// proxy_protocol_networks). Oracle MySQL 8, which has no PROXY support at all,
// needs its official image and so a registry; it is not part of this scenario.
export default defineScenario({
  id: 'backend-without-proxy-support',
  title:
    'The balancer sends PROXY to a backend that does not accept it: connections fail, cause named',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', trust: 'nothing' },
  clients: [{ kind: 'harness', count: 3 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' },
  ],
});
