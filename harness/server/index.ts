// proxyproof/server: a PROXY-protocol-aware TCP server for Node applications
// behind a TCP balancer (AWS Classic ELB, NLB, HAProxy). See README.md here.
// Imports only the pure codec (../proxy-protocol, ../net) and node:net: it is
// bundled alone into dist/proxyproof-server.js (npm run build:server).
export {
  createProxyServer,
  proxiedOf,
  ProxyRefusal,
  DEFAULT_HEADER_TIMEOUT_MS,
  type ProxiedConnection,
  type ProxyConnectionListener,
  type ProxyErrorListener,
  type ProxyServer,
  type ProxyServerOptions,
  type RefusalReason,
} from './server.ts';
export type { Endpoint } from '../net/endpoint.ts';
export type {
  AddressFamily,
  Command,
  ProxyAddress,
  ProxyHeader,
  Tlv,
  TlvValue,
  TransportProtocol,
  UnixAddress,
} from '../proxy-protocol/types.ts';
