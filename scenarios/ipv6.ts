import { defineScenario } from 'proxyproof';

// Clients on an IPv6 "internet" network: the Classic-ELB-style balancer writes
// TCP6 v1 headers, and the backends must report the IPv6 origin.
export default defineScenario({
  id: 'ipv6',
  title: 'IPv6 clients through a v1 balancer: TCP6 headers, backends see the IPv6 origin',
  balancer: {
    kind: 'classic-elb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    ipv6Clients: true,
  },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1', family: 'INET6', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
