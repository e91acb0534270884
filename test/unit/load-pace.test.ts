import { createServer, type Server, type Socket } from 'node:net';
import { probeAtPace } from '../../harness/probes/probe.ts';
import type { ProbeResult } from '../../harness/evidence/probe-result.ts';
import { loadClients } from '../../harness/components/clients/load.ts';

// A line server that answers each client with the address and port it sees,
// after a pause, and counts how many clients await its answer at once.
describe('connections at a set pace', () => {
  let server: Server;
  let port: number;
  let open = 0;
  let mostOpen = 0;
  const opened: number[] = [];
  beforeAll(async () => {
    server = createServer((socket: Socket) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      opened.push(performance.now());
      // Counted until it answers: a client opens its next connection only after the answer.
      setTimeout(() => {
        open--;
        socket.end(`${socket.remoteAddress}:${socket.remotePort}\n`);
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    mostOpen = 0;
    opened.length = 0;
  });

  const run = async (count: number, concurrency: number, perSecond: number | null) => {
    const results: ProbeResult[] = [];
    await probeAtPace(
      { address: '127.0.0.1', port },
      { protocol: 'line' },
      count,
      { concurrency, perSecond },
      (r) => results.push(r),
      { label: 'lane' },
    );
    return results;
  };

  test('every connection once, never more open than asked, each answered about itself', async () => {
    const results = await run(300, 7, null);
    expect(results).toHaveLength(300);
    expect(mostOpen).toBeLessThanOrEqual(7);
    expect(mostOpen).toBeGreaterThan(1);
    expect(new Set(results.map((r) => r.client)).size).toBe(300);
    // Each from a port of its own: the kernel would have reused closed ones.
    expect(new Set(results.map((r) => r.origin?.port)).size).toBe(300);
    expect(results.every((r) => r.client.startsWith('lane#'))).toBe(true);
    for (const r of results) {
      expect(r.error).toBeNull();
      // The server's view of this very socket: the origin's own port came back.
      expect(r.backend?.host.port).toBe(r.origin?.port);
      expect(r.timing!.answerMs).toBeGreaterThanOrEqual(r.timing!.connectMs);
    }
  });

  test('a rate spreads the starts: 40 at 200/s take at least 195 ms', async () => {
    const began = performance.now();
    const results = await run(40, 10, 200);
    expect(results).toHaveLength(40);
    // The 40th may begin only 39/200 s after the first (timers never fire early).
    expect(performance.now() - began).toBeGreaterThanOrEqual(194);
    expect(opened).toHaveLength(40);
  });
});

describe('the load kind asks only for what it can tell apart', () => {
  test('more than 10,000 connections per origin is refused, naming origins', () => {
    const r = loadClients.options.safeParse({ kind: 'load', count: 20_001, origins: 2 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['origins'],
      message: 'at most 10,000 connections per origin: raise origins',
    });
    expect(loadClients.options.safeParse({ kind: 'load', count: 20_000, origins: 2 }).success).toBe(
      true,
    );
  });
});
