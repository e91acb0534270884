import { formatEndpoint, parseHostPort, type Endpoint } from '../net/endpoint.ts';
import { isIPv6 } from 'node:net';

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
   * The balancer's own address on the instances' network: the TCP peer they
   * see. A Classic ELB names it as every header's destination (an ELB node's
   * private address, not the address the client dialled) and as both
   * addresses of its health checks' headers.
   */
  vpcAddress?: string;
  /** Whose address a header's destination is: the one the client dialled (HAProxy, NLB) or `vpcAddress` (Classic ELB). */
  headerDestination?: 'dialled' | 'vpc-address';
  /**
   * Health checks on the instances, every `intervalMs`: a bare TCP connect (an
   * ELB TCP check to a port without the policy), the same with a PROXY header
   * first shaped as AWS sends it with the balancer's version (`aws-header`:
   * Classic v1 from and to the balancer's vpcAddress; NLB v2 LOCAL with a
   * CRC32C and a NOOP and no addresses), a MySQL login as `user` after
   * HAProxy's own header (option mysql-check), or a GET of `path` (an ELB HTTP
   * target, never with a header). An ELB's ConfigureHealthCheck also gives
   * rise/fall (its thresholds), a timeout, the port checked and TLS (SSL and
   * HTTPS targets).
   */
  healthCheck?: {
    kind: 'tcp' | 'aws-header' | 'mysql' | 'http';
    intervalMs: number;
    user?: string;
    path?: string;
    rise?: number;
    fall?: number;
    timeoutMs?: number;
    port?: number;
    ssl?: boolean;
  };
  /**
   * An NLB's client IP preservation: connect to instances from the client's
   * own address and port (TPROXY, `usesrc client`), so the instance's TCP
   * peer is the client. Needs the balancer's NET_ADMIN and routes
   * (startHaproxy). IPv6 clients of IPv4 instances cannot keep theirs.
   */
  preserveClientIp?: boolean;
  /**
   * An NLB's data plane (harness/data-plane/) in front, on the listener port
   * in the same namespace: HAProxy then listens for it on loopback
   * `upstreamPort` (accept-proxy: it names each client) and writes no header
   * of its own, since the data plane writes the NLB's when the NLB would.
   * `proxyProtocol` still shapes the health checks' headers.
   */
  dataPlane?: {
    upstreamPort: number;
    /** proxy_protocol_v2.client_to_server.header_placement. */
    headerPlacement: 'on_first_ack_with_payload' | 'on_first_ack';
  };
  /** Listen on IPv6 and IPv4 (IPv4 clients then appear as ::ffff:a.b.c.d). */
  dualStack?: boolean;
  /** The servers; none is a valid config too (HAProxy then closes every connection at once). */
  instances: { name: string; address: string }[];
}

/**
 * HAProxy's runtime API, read-only, on the balancer's own loopback: what
 * DescribeInstanceHealth reads (`show stat`) through an exec in the container.
 */
export const STATS_SOCKET = { address: '127.0.0.1', port: 9101 };

/** The backend holding the instances on `instancePort`. */
export const backendName = (instancePort: number) => `instances_${instancePort}`;

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
  if (spec.dataPlane) return '';
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

/** Where connections to instances come from: the balancer's own address, or the client's. */
const sourceOptions = (spec: BalancerSpec): string =>
  spec.preserveClientIp && !spec.dualStack ? ' source 0.0.0.0 usesrc client' : '';

function serverOptions(spec: BalancerSpec): string {
  const check = spec.healthCheck;
  if (!check) return `${sourceOptions(spec)}${proxyOptions(spec)}`;
  return [
    `${sourceOptions(spec)}${proxyOptions(spec)} check inter ${check.intervalMs}`,
    check.rise === undefined ? '' : ` rise ${check.rise}`,
    check.fall === undefined ? '' : ` fall ${check.fall}`,
    // A check on a port of its own sends no PROXY header of HAProxy's (even beside
    // send-proxy) unless check-send-proxy asks, as HAProxy 2.6 was seen to do; AWS's
    // headers are then written by tcp-check itself.
    ` port ${check.port ?? spec.instancePort}`,
    check.ssl ? ' check-ssl verify none' : '',
    check.kind === 'mysql' ? ' check-send-proxy' : '',
  ].join('');
}

/**
 * What an NLB's TCP health check sends with proxy_protocol_v2 on, byte for
 * byte as captured (kubernetes/kubernetes#57250): v2 LOCAL, family INET but no
 * address block, a CRC32C TLV, then a NOOP TLV padding it to 100 bytes. It
 * names no address, so it is the same on every check.
 */
export const NLB_HEALTH_CHECK_HEADER =
  '0d0a0d0a000d0a515549540a20110054030004bce5951f04004a' + '00'.repeat(74);

/**
 * A Classic ELB's TCP check to a port with the policy, as captured
 * (checkr/codeflow#117): v1 whose source and destination are both the ELB
 * node's address, from some port, to the instance port. HAProxy picks the
 * source port at random (the ELB's is its own connection's).
 */
const classicHealthCheckLine = (address: string, port: number) =>
  `PROXY ${isIPv6(address) ? 'TCP6' : 'TCP4'} ${address} ${address} %[rand(64511),add(1024)] ${port}\\r\\n`;

/** The tcp-check that writes the header an AWS balancer's TCP check carries, if it carries one. */
function awsHeaderCheck(spec: BalancerSpec, port: number): string[] {
  switch (spec.proxyProtocol) {
    case 'none':
      return [];
    case 'v2':
      return ['  option tcp-check', `  tcp-check send-binary ${NLB_HEALTH_CHECK_HEADER}`];
    case 'v1': {
      if (!spec.vpcAddress) throw new Error('a Classic ELB health check header needs vpcAddress');
      return [
        '  option tcp-check',
        `  tcp-check send-lf "${classicHealthCheckLine(spec.vpcAddress, port)}"`,
      ];
    }
  }
}

/** The backend's lines for its checks: the protocol spoken and how long an answer may take. */
function checkOptions(spec: BalancerSpec): string[] {
  const check = spec.healthCheck;
  if (!check) return [];
  // Double quotes keep a path's `#` from starting a comment; `\`, `"` and `$` are escaped.
  const quoted = (text: string) => `"${text.replace(/[\\"$]/g, '\\$&')}"`;
  return [
    ...(check.kind === 'mysql'
      ? [`  option mysql-check user ${check.user ?? 'haproxy_check'} post-41`]
      : []),
    ...(check.kind === 'http' ? [`  option httpchk GET ${quoted(check.path ?? '/')}`] : []),
    ...(check.kind === 'aws-header' ? awsHeaderCheck(spec, check.port ?? spec.instancePort) : []),
    ...(check.timeoutMs === undefined ? [] : [`  timeout check ${check.timeoutMs}`]),
  ];
}

/**
 * A Classic ELB's headers name its own vpc address as their destination, the
 * port kept. A session rule, so a header a front sent (accept-proxy) is read first.
 */
function destinationRule(spec: BalancerSpec): string[] {
  if (spec.headerDestination !== 'vpc-address') return [];
  if (!spec.vpcAddress) throw new Error('a Classic ELB header destination needs vpcAddress');
  // A dual-stack listener's sessions are all IPv6 (IPv4 clients as ::ffff:a.b.c.d), and so
  // must the destination be for a TCP6 header: the IPv4 address, mapped.
  const address = spec.vpcAddress;
  const v6 = isIPv6(address) ? address : spec.dualStack ? `::ffff:${address}` : null;
  return [`  tcp-request session set-dst ${v6 ? `ipv6(${v6})` : `ipv4(${address})`}`];
}

/** Where the frontend listens: the listener port, or loopback behind a data plane. */
function bindLine(spec: BalancerSpec): string {
  if (spec.dataPlane) return `  bind 127.0.0.1:${spec.dataPlane.upstreamPort} accept-proxy`;
  const address = spec.dualStack ? `:::${spec.listenerPort} v4v6` : `:${spec.listenerPort}`;
  return `  bind ${address}${spec.acceptProxy ? ' accept-proxy' : ''}`;
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
    `  stats socket ipv4@${STATS_SOCKET.address}:${STATS_SOCKET.port} level user`,
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '',
    `frontend listener_${spec.listenerPort}`,
    bindLine(spec),
    // One line per session, at its end: the origin as this frontend saw it.
    `  log-format "${ORIGIN_LOG_TAG} %ci:%cp"`,
    ...destinationRule(spec),
    // The UNIQUE_ID TLV carries this; HAProxy sends none without a format.
    ...(spec.v2Options?.includes('unique-id') && !spec.dataPlane
      ? ['  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid']
      : []),
    `  default_backend ${backendName(spec.instancePort)}`,
    '',
    `backend ${backendName(spec.instancePort)}`,
    '  balance roundrobin',
    ...checkOptions(spec),
    ...servers,
    '',
  ].join('\n');
}

/** The worker the master started last (its `New worker (pid) forked`), from HAProxy's output. */
function latestWorker(output: string): string | null {
  return [...output.matchAll(/New worker \((\d+)\) forked/g)].at(-1)?.[1] ?? null;
}

/**
 * Whether a reload (SIGUSR2 to the master) begun when the output was `before`
 * has taken over: the master loaded the new config, and the worker that served
 * `oldConfig` stopped each of its frontends. Until then that worker still
 * accepts connections with the old settings (a PROXY header that was just
 * turned on would be missing from them).
 */
export function reloadTookOver(before: string, now: string, oldConfig: string): boolean {
  const loads = (output: string) => output.split('Loading success').length;
  if (loads(now) <= loads(before)) return false;
  const worker = latestWorker(before);
  if (worker === null) return true;
  const frontends = [...oldConfig.matchAll(/^(?:frontend|listen) (\S+)/gm)].map((m) => m[1]!);
  return frontends.every((name) => now.includes(`(${worker}) : Proxy ${name} stopped`));
}

/**
 * Each server's status in `backend` from the runtime API's `show stat` CSV:
 * "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/2" (coming up), "no check", ...
 */
export function serverStatuses(csv: string, backend: string): Map<string, string> {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? '';
  const statuses = new Map<string, string>();
  for (const row of rows.map((r) => r.split(','))) {
    const server = at(row, 'svname');
    if (at(row, 'pxname') === backend && server !== 'BACKEND' && server !== 'FRONTEND')
      statuses.set(server, at(row, 'status'));
  }
  return statuses;
}
