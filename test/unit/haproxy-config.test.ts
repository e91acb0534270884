import { originsFromLog, renderHaproxyConfig } from '../../harness/topology/haproxy-config.ts';

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
