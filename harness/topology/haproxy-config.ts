/** What the balancer must do, in ELB terms. */
export interface BalancerSpec {
  listenerPort: number;
  instancePort: number;
  /** ProxyProtocolPolicyType on the instance port: HAProxy's send-proxy (v1, as Classic ELB). */
  proxyProtocol: boolean;
  instances: { name: string; address: string }[];
}

/** Renders an HAProxy config that behaves like a Classic ELB TCP listener. */
export function renderHaproxyConfig(spec: BalancerSpec): string {
  const send = spec.proxyProtocol ? ' send-proxy' : '';
  const servers = spec.instances.map(
    (i) => `  server ${i.name} ${i.address}:${spec.instancePort}${send}`,
  );
  return [
    'global',
    '  log stdout format raw local0',
    '  maxconn 2048',
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '',
    `frontend listener_${spec.listenerPort}`,
    `  bind :${spec.listenerPort}`,
    `  default_backend instances_${spec.instancePort}`,
    '',
    `backend instances_${spec.instancePort}`,
    '  balance roundrobin',
    ...servers,
    '',
  ].join('\n');
}
