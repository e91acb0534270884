import { defineScenario } from 'proxyproof';

// Your own application, answered for Node: a server built on proxyproof/server
// reads the PROXY header from the balancers in TRUSTED_PROXIES and knows each
// client; a header from anyone else is refused. The app and the bundle are
// copied into a plain Debian Node.js image at start.
export default defineScenario({
  id: 'node-app',
  title: 'A Node.js server on proxyproof/server behind a Classic ELB reports each client',
  balancer: { kind: 'classic-elb', listenerPort: 8080, instancePort: 8080, proxyProtocol: true },
  backends: {
    kind: 'container',
    name: 'node-app',
    build: './node-app',
    port: 8080,
    copy: [
      { source: './node-app/app.mjs', target: '/app/app.mjs' },
      // In your repository: node_modules/proxyproof/dist/proxyproof-server.js
      { source: '../dist/proxyproof-server.js', target: '/app/proxyproof-server.mjs' },
    ],
    trust: { networks: 'balancer-address', env: 'TRUSTED_PROXIES' },
    ready: { log: 'listening on 8080' },
    whoAmI: { line: true },
  },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1', destination: 'balancer' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
