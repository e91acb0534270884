import { defineScenario } from 'proxyproof';

// Two balancers in a chain, both sending PROXY and the inner one not accepting
// it: each connection reaches the backend with two stacked headers, the inner
// balancer's (naming the front one) first. Observed: MariaDB 10.11 applies both
// in turn, so the last, the front balancer's naming the client, wins.
export default defineScenario({
  id: 'double-proxy',
  title:
    'Two balancers in a chain both send PROXY: stacked headers flagged, the address the backend took named',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb' },
  fronts: [{ kind: 'haproxy-front', proxyProtocol: 'v1' }],
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1', stacked: 2, destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
