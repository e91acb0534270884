// Who is my client? Behind an ELB or NLB the TCP peer is the balancer; the
// PROXY header it sends names the client. proxyproof's server wrapper reads
// that header only from the peers you trust (TRUSTED_PROXIES, comma-separated
// CIDRs: your balancers), refuses one from anyone else, and hands you the
// socket with the rest of the stream untouched.
// In your project: import { createProxyServer } from 'proxyproof/server';
import { createProxyServer } from './proxyproof-server.mjs';

const trusted = (process.env.TRUSTED_PROXIES ?? '').split(',').filter(Boolean);

const server = createProxyServer({ trusted }, (socket, proxied) => {
  const { address, port } = proxied.source;
  // This app's whole protocol: one line naming the client it sees.
  socket.end(`${address.includes(':') ? `[${address}]` : address}:${port}\n`);
});
server.on('proxyError', (error, peer) =>
  console.error(`refused ${peer.address}: ${error.message}`),
);
server.listen(8080, () =>
  console.log(`listening on 8080, trusting ${trusted.join(', ') || 'no one'}`),
);
