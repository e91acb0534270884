import {
  originsFromLog,
  reloadTookOver,
  renderHaproxyConfig,
  serverStatuses,
} from '../../harness/topology/haproxy-config.ts';

const instances = [
  { name: 'backend-1', address: '172.21.0.2' },
  { name: 'backend-2', address: '172.21.0.3' },
];

describe('HAProxy config for a Classic ELB listener', () => {
  test('the policy on the instance port becomes send-proxy on every server', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 3306,
      instancePort: 3306,
      proxyProtocol: 'v1',
      instances,
    });
    expect(cfg).toContain('  bind :3306\n');
    expect(cfg).toContain('  server backend-1 172.21.0.2:3306 send-proxy\n');
    expect(cfg).toContain('  server backend-2 172.21.0.3:3306 send-proxy\n');
    expect(cfg).toContain('  mode tcp\n');
  });

  test('NLB v2 with TLV options, behind another proxy', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 3306,
      instancePort: 3306,
      proxyProtocol: 'v2',
      v2Options: ['crc32c', 'unique-id', 'authority'],
      acceptProxy: true,
      instances,
    });
    expect(cfg).toContain('  bind :3306 accept-proxy\n');
    expect(cfg).toContain(
      '  server backend-1 172.21.0.2:3306 send-proxy-v2 proxy-v2-options crc32c,unique-id,authority\n',
    );
    expect(cfg).toMatch(/\n {2}unique-id-format \S+\n/);
  });

  test('without the policy no server sends a header', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 13306,
      instancePort: 3307,
      proxyProtocol: 'none',
      instances,
    });
    expect(cfg).toContain('  bind :13306\n');
    expect(cfg).toContain('  server backend-1 172.21.0.2:3307\n');
    expect(cfg).not.toContain('send-proxy');
  });
});

describe("the balancer's own log of origins", () => {
  test('the frontend logs each session origin, and the log parses back', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 3306,
      instancePort: 3306,
      proxyProtocol: 'v1',
      instances,
    });
    expect(cfg).toContain('  log-format "proxyproof-origin %ci:%cp"\n');
    const output =
      '[NOTICE] Loading success.\nproxyproof-origin 10.0.0.100:41268\nproxyproof-origin ::ffff:10.0.0.1:5000\nnoise\n';
    expect(originsFromLog(output)).toEqual([
      { address: '10.0.0.100', port: 41268 },
      { address: '::ffff:10.0.0.1', port: 5000 },
    ]);
  });
});

describe('what the Classic ELB API changes on the balancer', () => {
  const spec = { listenerPort: 3306, instancePort: 3306, proxyProtocol: 'v1' as const, instances };

  test('no registered instance leaves a backend without servers, which HAProxy accepts', () => {
    const cfg = renderHaproxyConfig({ ...spec, instances: [] });
    expect(cfg).toContain('  default_backend instances_3306\n');
    expect(cfg).toMatch(/\nbackend instances_3306\n {2}balance roundrobin\n\n?$/);
    expect(cfg).not.toMatch(/^ {2}server /m);
  });

  test('an ELB TCP check: interval, thresholds, timeout, on its own port (so no PROXY header)', () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      healthCheck: {
        kind: 'tcp',
        intervalMs: 10_000,
        rise: 3,
        fall: 2,
        timeoutMs: 5_000,
        port: 3306,
      },
    });
    expect(cfg).toContain(
      '  server backend-1 172.21.0.2:3306 send-proxy check inter 10000 rise 3 fall 2 port 3306\n',
    );
    expect(cfg).toContain('  timeout check 5000\n');
    expect(cfg).not.toContain('check-send-proxy');
  });

  test("the same where the policy applies on the checked port: AWS's v1 line, from and to the ELB", () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      vpcAddress: '172.21.0.100',
      healthCheck: { kind: 'aws-header', intervalMs: 5_000, port: 3306 },
    });
    expect(cfg).toContain('check inter 5000 port 3306\n');
    expect(cfg).not.toContain('check-send-proxy');
    // As checkr/codeflow#117 captured: "PROXY TCP4 10.100.102.67 10.100.102.67 28225 32004".
    expect(cfg).toContain(
      '  option tcp-check\n  tcp-check send-lf "PROXY TCP4 172.21.0.100 172.21.0.100 %[rand(64511),add(1024)] 3306\\r\\n"\n',
    );
  });

  test("an NLB's TCP check with proxy_protocol_v2 on: the captured LOCAL header, byte for byte", () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      proxyProtocol: 'v2',
      healthCheck: { kind: 'aws-header', intervalMs: 5_000 },
    });
    // kubernetes/kubernetes#57250's capture, as printed there.
    const captured = `0d0a0d0a000d0a51 5549540a 2011 0054 0300 04bc e595 1f04 004a${' 0000'.repeat(37)}`;
    expect(cfg).toContain(`  tcp-check send-binary ${captured.replace(/ /g, '')}\n`);
    expect(cfg).toContain('check inter 5000 port 3306\n');
  });

  test('without the PROXY protocol the same check is a bare connect', () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      proxyProtocol: 'none',
      healthCheck: { kind: 'aws-header', intervalMs: 5_000 },
    });
    expect(cfg).not.toContain('tcp-check');
  });

  test("an NLB's client IP preservation: servers are dialled from the client's address (TPROXY)", () => {
    const on = { ...spec, proxyProtocol: 'v2' as const, preserveClientIp: true };
    expect(renderHaproxyConfig(on)).toContain(
      '  server backend-1 172.21.0.2:3306 source 0.0.0.0 usesrc client send-proxy-v2\n',
    );
    // IPv6 clients of IPv4 instances cannot keep their address.
    expect(renderHaproxyConfig({ ...on, dualStack: true })).not.toContain('usesrc');
    expect(renderHaproxyConfig({ ...on, preserveClientIp: false })).not.toContain('usesrc');
  });

  test("a Classic ELB's headers name its own vpc address as the destination, after a front's header", () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      vpcAddress: '172.21.0.100',
      headerDestination: 'vpc-address',
    });
    expect(cfg).toContain('  tcp-request session set-dst ipv4(172.21.0.100)\n');
    expect(renderHaproxyConfig(spec)).not.toContain('set-dst');
    // Dual-stack sessions are all IPv6, so the destination is the address mapped.
    expect(
      renderHaproxyConfig({
        ...spec,
        vpcAddress: '172.21.0.100',
        headerDestination: 'vpc-address',
        dualStack: true,
      }),
    ).toContain('  tcp-request session set-dst ipv6(::ffff:172.21.0.100)\n');
  });

  test('HTTP(S) targets: a GET of the path, quoted and escaped; TLS for HTTPS and SSL', () => {
    const cfg = renderHaproxyConfig({
      ...spec,
      healthCheck: { kind: 'http', intervalMs: 5_000, port: 8443, ssl: true, path: '/a#b"$c\\' },
    });
    expect(cfg).toContain('  option httpchk GET "/a#b\\"\\$c\\\\"\n');
    expect(cfg).toContain('check inter 5000 port 8443 check-ssl verify none\n');
  });

  test('the runtime API listens on the balancer loopback only, read-only', () => {
    expect(renderHaproxyConfig(spec)).toContain('  stats socket ipv4@127.0.0.1:9101 level user\n');
  });

  test("servers' statuses from `show stat`, by column name, for one backend only", () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'listener_3306,FRONTEND,,,0,0,2048,0,0,0,0,0,0,,,,,OPEN,',
      'instances_3306,backend-1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1',
      'instances_3306,backend-2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN 1/2,1',
      'instances_3306,BACKEND,0,0,0,0,205,0,0,0,0,0,,0,0,0,0,UP,1',
      'instances_3307,backend-3,0,0,0,0,,0,0,0,,0,,0,0,0,0,no check,1',
      '',
    ].join('\n');
    expect(serverStatuses(csv, 'instances_3306')).toEqual(
      new Map([
        ['backend-1', 'UP'],
        ['backend-2', 'DOWN 1/2'],
      ]),
    );
    expect(serverStatuses('', 'instances_3306')).toEqual(new Map());
  });
});

describe('a reload has taken over only when the old worker stopped listening', () => {
  // HAProxy 2.6's own output around a SIGUSR2, as `docker logs` shows it.
  const before = '[NOTICE]   (1) : New worker (8) forked\n[NOTICE]   (1) : Loading success.\n';
  const loaded = `${before}[NOTICE]   (1) : Reloading HAProxy\n[NOTICE]   (1) : New worker (12) forked\n[NOTICE]   (1) : Loading success.\n`;
  const oldConfig = renderHaproxyConfig({
    listenerPort: 3306,
    instancePort: 3306,
    proxyProtocol: 'none',
    instances,
  });

  test('the new config loaded, the old worker still accepting: not yet', () => {
    expect(reloadTookOver(before, before, oldConfig)).toBe(false);
    expect(reloadTookOver(before, loaded, oldConfig)).toBe(false);
  });

  test("the old worker stopped its frontend: done (another worker's stop does not count)", () => {
    const other = `${loaded}[WARNING]  (5) : Proxy listener_3306 stopped (cumulated conns: FE: 0, BE: 0).\n`;
    expect(reloadTookOver(before, other, oldConfig)).toBe(false);
    const stopped = `${loaded}[WARNING]  (8) : Proxy listener_3306 stopped (cumulated conns: FE: 0, BE: 0).\n`;
    expect(reloadTookOver(before, stopped, oldConfig)).toBe(true);
  });
});
