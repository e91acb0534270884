import { defineScenario } from 'proxyproof';

// An NLB's client IP preservation (preserve_client_ip.enabled, on by default for
// instance targets) without the PROXY protocol: the backend's TCP peer is the
// client itself, so USER() shows the client although no header was sent. The
// local NLB connects from the client's address for real (HAProxy TPROXY), as
// the capture shows.
export default defineScenario({
  id: 'nlb-client-ip-preserved',
  title:
    'NLB client IP preservation without PROXY: the TCP peer is the client, and the backend sees it',
  balancer: { kind: 'nlb', listenerPort: 3306, instancePort: 3306, proxyProtocol: false },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'none' },
    { kind: 'tcp-peer', who: 'client' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
