import { defineScenario } from 'proxyproof';

// Your own MariaDB configuration behind an NLB: your my.cnf and user, plus the
// one setting the PROXY protocol needs, proxy_protocol_networks, which proxyproof
// writes (the balancer's own address) into a conf.d file of its own.
export default defineScenario({
  id: 'mariadb-my-cnf',
  title: 'MariaDB with its own my.cnf behind an NLB sees each client',
  // Client IP preservation off (as for IP targets): the TCP peer is then the NLB, whose
  // address alone is trusted (see the nlb-client-ip-* scenarios for it on).
  balancer: {
    kind: 'nlb',
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: true,
    preserveClientIp: false,
  },
  backends: {
    kind: 'container',
    name: 'mariadb-my-cnf',
    build: './mariadb-my-cnf',
    port: 3306,
    trust: {
      networks: 'balancer-address',
      file: {
        path: '/etc/mysql/mariadb.conf.d/99-proxyproof-trust.cnf',
        content: '[mariadb]\nproxy_protocol_networks = {{networks}}\n',
      },
    },
    ready: { log: 'ready for connections' },
    whoAmI: { mysql: { user: 'app', password: 'app-secret' } },
  },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v2', destination: 'dialled' },
    { kind: 'backend-sees', who: 'client' },
    { kind: 'user-host', who: 'client' },
  ],
});
