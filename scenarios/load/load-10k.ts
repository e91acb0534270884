import { defineScenario } from 'proxyproof';

// Ten thousand connections through one Classic ELB to three backends, 100 at a time
// from two client containers: every one must still be attributed to its own
// origin, on the wire and in the backend's session. Not in the default run
// (it is the load check): `npx proxyproof run --scenarios scenarios/load`.
export default defineScenario({
  id: 'load-10k',
  title:
    '10,000 connections through one Classic ELB to three backends, each attributed to its own client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 3 },
  clients: [{ kind: 'load', count: 10_000, concurrency: 100, origins: 2 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'all-backends-serve' },
  ],
});
