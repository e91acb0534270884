import { defineScenario } from 'proxyproof';

// Another host on the vpc network (the harness itself) skips the balancer and
// sends backend-1 a forged header claiming 203.0.113.66 (TEST-NET-3, only ever
// text in a header). The backend trusts the balancer's own address only, so it
// must refuse; the forged address must never be reported as a client. Then the
// same forgery against a backend trusting the whole subnet, reported as a warning.
export default defineScenario({
  id: 'spoofed-header',
  title:
    'A forged header from another vpc host is refused; trusting the whole subnet would let it through',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', trust: 'balancer-address' },
  clients: [{ kind: 'forger', count: 3, claim: '203.0.113.66', alsoAgainstSubnetTrust: true }],
  checks: [
    { kind: 'header', version: 'v1' },
    { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' },
  ],
});
