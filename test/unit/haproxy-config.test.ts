import { renderHaproxyConfig } from '../../harness/topology/haproxy-config.ts';

const instances = [
  { name: 'backend-1', address: '172.21.0.2' },
  { name: 'backend-2', address: '172.21.0.3' },
];

describe('HAProxy config for a Classic ELB listener', () => {
  test('the policy on the instance port becomes send-proxy on every server', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 3306,
      instancePort: 3306,
      proxyProtocol: true,
      instances,
    });
    expect(cfg).toContain('  bind :3306\n');
    expect(cfg).toContain('  server backend-1 172.21.0.2:3306 send-proxy\n');
    expect(cfg).toContain('  server backend-2 172.21.0.3:3306 send-proxy\n');
    expect(cfg).toContain('  mode tcp\n');
  });

  test('without the policy no server sends a header', () => {
    const cfg = renderHaproxyConfig({
      listenerPort: 13306,
      instancePort: 3307,
      proxyProtocol: false,
      instances,
    });
    expect(cfg).toContain('  bind :13306\n');
    expect(cfg).toContain('  server backend-1 172.21.0.2:3307\n');
    expect(cfg).not.toContain('send-proxy');
  });
});
