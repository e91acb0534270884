import { defineScenario } from 'proxyproof';

// Your own application, answered: nginx's stream server reads the PROXY header
// (`listen ... proxy_protocol`) and reports $proxy_protocol_addr:$proxy_protocol_port,
// letting in only the balancer (allow/deny in a file proxyproof writes).
export default defineScenario({
  id: 'nginx-stream',
  title: 'nginx stream with proxy_protocol behind a Classic ELB reports each client',
  balancer: { kind: 'classic-elb', listenerPort: 8080, instancePort: 8080, proxyProtocol: true },
  backends: {
    kind: 'container',
    name: 'nginx-stream',
    build: './nginx-stream',
    port: 8080,
    trust: {
      networks: 'balancer-address',
      file: {
        path: '/etc/nginx/trusted-balancers.conf',
        content: 'allow {{networks}};\ndeny all;\n',
      },
    },
    whoAmI: { line: true },
  },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
