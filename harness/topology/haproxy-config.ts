import { formatEndpoint, parseHostPort, type Endpoint } from '../net/endpoint.ts';

/** What the balancer must do, in ELB/NLB terms. */
export interface BalancerSpec {
  listenerPort: number;
  instancePort: number;
  /**
   * The PROXY header sent to instances: v1 as a Classic ELB with
   * ProxyProtocolPolicyType (send-proxy), v2 as an NLB (send-proxy-v2), or none.
   */
  proxyProtocol: 'none' | 'v1' | 'v2';
  /** HAProxy proxy-v2-options: TLVs added to v2 headers. */
  v2Options?: ('crc32c' | 'unique-id' | 'authority')[];
  /** Accept a PROXY header from clients (a balancer behind another proxy). */
  acceptProxy?: boolean;
  /**
   * Health checks on the instances, every `intervalMs`: a bare TCP connect (as
   * a plain ELB TCP check), the same with the PROXY header first
   * (check-send-proxy), or a MySQL login as `user` (option mysql-check).
   */
  healthCheck?: { kind: 'tcp' | 'tcp-send-proxy' | 'mysql'; intervalMs: number; user?: string };
  /** Listen on IPv6 and IPv4 (IPv4 clients then appear as ::ffff:a.b.c.d). */
  dualStack?: boolean;
  instances: { name: string; address: string }[];
}

/** Marks the balancer's log lines that name a session's origin. */
export const ORIGIN_LOG_TAG = 'proxyproof-origin';

/** The origins the balancer's frontend logged, from its output. */
export function originsFromLog(output: string): Endpoint[] {
  const origins: Endpoint[] = [];
  for (const line of output.split('\n')) {
    const at = line.indexOf(`${ORIGIN_LOG_TAG} `);
    if (at < 0) continue;
    const endpoint = parseHostPort(line.slice(at + ORIGIN_LOG_TAG.length + 1));
    if (endpoint) origins.push(endpoint);
  }
  return origins;
}

function proxyOptions(spec: BalancerSpec): string {
  switch (spec.proxyProtocol) {
    case 'none':
      return '';
    case 'v1':
      return ' send-proxy';
    case 'v2': {
      const options = spec.v2Options ?? [];
      return ` send-proxy-v2${options.length ? ` proxy-v2-options ${options.join(',')}` : ''}`;
    }
  }
}

function serverOptions(spec: BalancerSpec): string {
  const check = spec.healthCheck;
  if (!check) return proxyOptions(spec);
  const sendProxy = check.kind === 'tcp' ? '' : ' check-send-proxy';
  return `${proxyOptions(spec)} check inter ${check.intervalMs}${sendProxy}`;
}

/** Renders an HAProxy config that behaves like an ELB/NLB TCP listener. */
export function renderHaproxyConfig(spec: BalancerSpec): string {
  const server = serverOptions(spec);
  const servers = spec.instances.map(
    (i) =>
      `  server ${i.name} ${formatEndpoint({ address: i.address, port: spec.instancePort })}${server}`,
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
    `  bind ${spec.dualStack ? ':::' : ':'}${spec.listenerPort}${spec.dualStack ? ' v4v6' : ''}${spec.acceptProxy ? ' accept-proxy' : ''}`,
    // One line per session, at its end: the origin as this frontend saw it.
    `  log-format "${ORIGIN_LOG_TAG} %ci:%cp"`,
    // The UNIQUE_ID TLV carries this; HAProxy sends none without a format.
    ...(spec.v2Options?.includes('unique-id')
      ? ['  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid']
      : []),
    `  default_backend instances_${spec.instancePort}`,
    '',
    `backend instances_${spec.instancePort}`,
    '  balance roundrobin',
    ...(spec.healthCheck?.kind === 'mysql'
      ? [`  option mysql-check user ${spec.healthCheck.user ?? 'haproxy_check'} post-41`]
      : []),
    ...servers,
    '',
  ].join('\n');
}
