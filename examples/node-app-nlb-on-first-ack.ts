import { defineScenario } from 'proxyproof';

// node-app-behind-nlb with the NLB's header placement on_first_ack (set by AWS
// support): the header reaches the server at connect, so it speaks first and
// reports each client, as behind a Classic ELB.
export default defineScenario({
  id: 'node-app-nlb-on-first-ack',
  title:
    'The same server behind an NLB that sends the header at connect (on_first_ack) reports each client',
  balancer: {
    kind: 'nlb',
    listenerPort: 8080,
    instancePort: 8080,
    proxyProtocol: true,
    preserveClientIp: false,
    headerPlacement: 'on_first_ack',
  },
  backends: {
    kind: 'container',
    name: 'node-app',
    build: './node-app',
    port: 8080,
    copy: [
      { source: './node-app/app.mjs', target: '/app/app.mjs' },
      { source: '../dist/proxyproof-server.js', target: '/app/proxyproof-server.mjs' },
    ],
    trust: { networks: 'balancer-address', env: 'TRUSTED_PROXIES' },
    ready: { log: 'listening on 8080' },
    whoAmI: { line: true },
  },
  clients: [{ kind: 'harness', count: 2 }],
  checks: [
    { kind: 'header', version: 'v2', destination: 'dialled' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
