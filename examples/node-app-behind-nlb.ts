import { defineScenario } from 'proxyproof';

// The same Node.js server behind an NLB: it waits for the PROXY header before it
// writes its line (it speaks first), but an NLB holds the header until the
// client's first payload (header_placement on_first_ack_with_payload, AWS's
// default as reported), and this client waits for the server: every session
// stalls until the server's header timeout. It passes behind a Classic ELB
// (node-app), which sends the header at connect, and behind an NLB with
// on_first_ack (node-app-nlb-on-first-ack).
export default defineScenario({
  id: 'node-app-behind-nlb',
  title: 'A server that speaks first after the PROXY header stalls behind an NLB',
  balancer: {
    kind: 'nlb',
    listenerPort: 8080,
    instancePort: 8080,
    proxyProtocol: true,
    preserveClientIp: false,
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
  checks: [{ kind: 'stalled' }],
});
