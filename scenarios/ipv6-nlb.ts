import { defineScenario } from 'proxyproof';

// The same over PROXY v2: an NLB-style balancer writes INET6 address blocks.
export default defineScenario({
  id: 'ipv6-nlb',
  title: 'IPv6 clients through a v2 balancer: INET6 headers, backends see the IPv6 origin',
  balancer: {
    kind: 'nlb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    ipv6Clients: true,
    // IPv6 clients of IPv4 instances cannot keep their address; said rather than left implied.
    preserveClientIp: false,
  },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v2', family: 'INET6', destination: 'dialled' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
