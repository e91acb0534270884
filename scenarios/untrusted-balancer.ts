import { defineScenario } from 'proxyproof';

// The policy is on, but the backend trusts PROXY headers from another network
// only: MariaDB must refuse, and the report must say what to change.
export default defineScenario({
  id: 'untrusted-balancer',
  title:
    "The backend does not trust the balancer's network: sessions are refused, with the fix named",
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', trust: 'another-network' },
  clients: [{ kind: 'harness', count: 3 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' },
  ],
});
