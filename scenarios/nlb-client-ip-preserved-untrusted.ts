import { defineScenario } from 'proxyproof';

// The most common NLB + PROXY + MySQL surprise: with client IP preservation on
// (AWS's default for instance targets) the PROXY header arrives from the
// client's own address, not the NLB's, so a MariaDB whose
// proxy_protocol_networks trusts only the NLB refuses it ("Proxy header is not
// accepted from <client>"). The diagnosis names both fixes.
export default defineScenario({
  id: 'nlb-client-ip-preserved-untrusted',
  title:
    'NLB client IP preservation with PROXY v2: the header comes from the client, and a backend trusting only the NLB refuses it',
  balancer: { kind: 'nlb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 2, trust: 'balancer-address' },
  clients: [{ kind: 'harness', count: 3 }],
  checks: [
    { kind: 'header', version: 'v2', destination: 'dialled' },
    { kind: 'tcp-peer', who: 'client' },
    { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' },
  ],
});
