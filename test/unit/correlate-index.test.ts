import { observe, type BackendCapture } from '../../harness/evidence/correlate.ts';
import type { CapturedConnection } from '../../harness/capture/proxy-headers.ts';
import type { ProbeResult } from '../../harness/evidence/probe-result.ts';
import { sameAddress, type Endpoint } from '../../harness/net/endpoint.ts';
import { isEndpoint } from '../../harness/proxy-protocol/types.ts';

// The captures are looked up through an index built once; this is the rule it
// must keep, written out as the plain scans it replaced: a header's source over
// every capture first (any header of a stack), then a client that skipped the
// balancer by its TCP source, then the TCP peer the backend reported, within
// its instance when it names one; always the first in capture order.
function byScanning(probe: ProbeResult, captures: BackendCapture[]) {
  const { origin, backend } = probe;
  const at = (instance: string, c: CapturedConnection) => ({ instance, connection: c.connection });
  if (origin)
    for (const { instance, connections } of captures) {
      const c = connections.find((x) =>
        x.headers.some(
          (h) =>
            isEndpoint(h.source) &&
            h.source.port === origin.port &&
            sameAddress(h.source.address, origin.address),
        ),
      );
      if (c) return at(instance, c);
    }
  if (origin)
    for (const { instance, connections } of captures) {
      const c = connections.find(
        (x) => x.connection.sport === origin.port && sameAddress(x.connection.src, origin.address),
      );
      if (c) return at(instance, c);
    }
  if (!backend || backend.host.port === null) return null;
  for (const { instance, connections } of captures) {
    if (backend.instance !== null && instance !== backend.instance) continue;
    const c = connections.find(
      (x) =>
        x.connection.sport === backend.host.port &&
        sameAddress(x.connection.src, backend.host.address),
    );
    if (c) return at(instance, c);
  }
  return null;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Few addresses and ports, so keys repeat across connections and instances;
// the same IPv4 address also spelled as IPv4-mapped IPv6.
const ADDRESSES = ['10.1.0.2', '::ffff:10.1.0.2', '10.1.0.3', 'fd00::2', 'FD00::2', '10.2.0.250'];
const endpoint = (rand: () => number): Endpoint => ({
  address: ADDRESSES[Math.floor(rand() * ADDRESSES.length)]!,
  port: 40_000 + Math.floor(rand() * 6),
});

function header(source: Endpoint | null) {
  return {
    version: 'v1' as const,
    command: 'PROXY' as const,
    family: 'INET' as const,
    protocol: 'STREAM' as const,
    source: source ?? { unknown: true },
    destination: { address: '10.2.0.250', port: 3306 },
    tlvs: [],
    length: 0,
    hex: '',
  };
}

test('the capture index answers as scanning every capture in order did, on 2,000 random cases', () => {
  const rand = prng(16);
  for (let round = 0; round < 2_000; round++) {
    const captures: BackendCapture[] = ['backend-1', 'backend-2', 'backend-3'].map((instance) => ({
      instance,
      droppedByKernel: 0,
      trust: null,
      connections: Array.from({ length: Math.floor(rand() * 5) }, () => {
        const tcp = endpoint(rand);
        const headers = Array.from({ length: Math.floor(rand() * 3) }, () =>
          header(rand() < 0.2 ? null : endpoint(rand)),
        );
        return {
          connection: { src: tcp.address, sport: tcp.port, dst: '10.2.0.2', dport: 3306 },
          headers,
          error: null,
        } as unknown as CapturedConnection;
      }),
    }));
    const reported = endpoint(rand);
    const probe: ProbeResult = {
      client: 'c',
      origin: rand() < 0.1 ? null : endpoint(rand),
      backend:
        rand() < 0.3
          ? null
          : {
              host: { address: reported.address, port: rand() < 0.2 ? null : reported.port },
              user: null,
              instance: rand() < 0.5 ? null : `backend-${1 + Math.floor(rand() * 3)}`,
            },
      error: null,
    };
    const balancer = { address: '10.2.0.250', subnet: '10.2.0.0/24', front: null };
    expect(observe(probe, balancer, captures).captured).toEqual(byScanning(probe, captures));
  }
});
