import { readFile } from 'node:fs/promises';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { tsharkProxyFields } from '../support/tshark.ts';
import { extractProxyHeaders } from '../../harness/capture/extract.ts';
import { Steps } from '../../harness/lifecycle/steps.ts';
import { Teardown } from '../../harness/lifecycle/teardown.ts';
import { rawProbe } from '../../harness/probes/raw-tcp.ts';
import { encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';
import { isEndpoint } from '../../harness/proxy-protocol/types.ts';
import { sweepRun } from '../../harness/topology/docker.ts';
import { ensureImages } from '../../harness/topology/images.ts';
import { ScenarioSchema, type ScenarioInput } from '../../harness/scenario/schema.ts';
import { local } from '../../harness/targets/local.ts';
import { newRunId } from '../../harness/run/run-all.ts';

const CONTAINERS = 15 * 60_000;
const hasTshark = execaSync('sh', ['-c', 'command -v tshark'], { reject: false }).exitCode === 0;
const describeWithTshark = hasTshark ? describe : describe.skip;
const title = hasTshark
  ? 'real HAProxy captures: proxyproof and tshark agree'
  : 'real HAProxy captures vs tshark — SKIPPED: tshark is not installed (apt-get install tshark)';

/** One header as both decoders can describe it. */
type Row = {
  conn: number;
  version: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  tlvTypes: number[];
};

async function tsharkRows(file: string): Promise<Row[]> {
  const fields = [
    'tcp.srcport',
    'proxy.v1.proto',
    'proxy.v2.version',
    'proxy.src.ipv4',
    'proxy.srcport',
    'proxy.dst.ipv4',
    'proxy.dstport',
    'proxy.v2.tlv.type',
  ];
  const { stdout } = await execa('tshark', tsharkProxyFields(file, fields));
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [conn, v1proto, v2version, src, sport, dst, dport, types] = line.split('|');
      return {
        conn: Number(conn),
        version: v1proto ? 1 : Number(v2version),
        src: src!,
        sport: Number(sport),
        dst: dst!,
        dport: Number(dport),
        tlvTypes: types
          ? types
              .split(',')
              .map(Number)
              .sort((a, b) => a - b)
          : [],
      };
    });
}

async function proxyproofRows(file: string): Promise<Row[]> {
  return extractProxyHeaders(await readFile(file)).flatMap((c) =>
    c.headers.map((h) => {
      if (!isEndpoint(h.source) || !isEndpoint(h.destination))
        throw new Error(`unexpected header ${h.hex}`);
      return {
        conn: c.connection.sport,
        version: h.version,
        src: h.source.address,
        sport: h.source.port,
        dst: h.destination.address,
        dport: h.destination.port,
        tlvTypes: h.tlvs.map((t) => t.type).sort((a, b) => a - b),
      };
    }),
  );
}

describeWithTshark(title, () => {
  const runId = newRunId();
  let dir: string;
  const pcaps: Record<string, string[]> = {};

  /** Starts the scenario's stage, turns PROXY on, sends 3 raw connections, returns the pcaps. */
  async function capture(
    name: string,
    balancer: ScenarioInput['balancer'],
    prefix: (i: number) => Uint8Array | null,
  ) {
    const teardown = new Teardown();
    try {
      const steps = new Steps(new AbortController().signal, () => undefined);
      const images = await ensureImages(() => undefined);
      const scenario = ScenarioSchema.parse({
        id: name,
        title: name,
        balancer,
        backends: { kind: 'mariadb' },
        clients: [{ kind: 'harness', count: 1 }],
        checks: [{ kind: 'backend-sees', who: 'client' }],
      });
      const context = {
        runId,
        images,
        runDir: dir,
        reportsDir: dir,
        signal: new AbortController().signal,
        origin: performance.now(),
        announce: () => undefined,
        warn: () => undefined,
      };
      const stage = await local.start(scenario, context, teardown, steps);
      await stage.balancer.setProxyProtocol(true);
      for (let i = 0; i < 3; i++) {
        const r = await rawProbe(stage.balancer.listener, prefix(i));
        expect(r.firstBytes).not.toBeNull(); // MariaDB accepted the header and greeted
      }
      const out = join(dir, name);
      await mkdir(out);
      return (await stage.collect(out)).files;
    } finally {
      await teardown.run();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyproof-xcheck-'));
    try {
      pcaps.v1 = await capture(
        'xcheck-v1',
        { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
        () => null,
      );
      // HAProxy sends AUTHORITY only when it received one, so the clients speak
      // PROXY v2 to it first, as a proxy in front of the balancer would.
      pcaps.v2 = await capture(
        'xcheck-v2',
        {
          kind: 'nlb',
          listenerPort: 3306,
          instancePort: 3306,
          proxyProtocol: true,
          v2Tlvs: ['crc32c', 'unique-id', 'authority'],
          acceptProxy: true,
          // The clients' headers claim addresses no backend can route back to: a preserving
          // NLB would connect from them (docs/FIDELITY.md), so it preserves none here.
          preserveClientIp: false,
          // These clients read the greeting and send nothing: only at connect does the header go.
          headerPlacement: 'on_first_ack',
        },
        (i) =>
          encodeV2({
            command: 'PROXY',
            family: 'INET',
            protocol: 'STREAM',
            source: { address: '198.51.100.7', port: 40000 + i },
            destination: { address: '203.0.113.1', port: 3306 },
            tlvs: [tlv.authority('db.example.test')],
          }),
      );
    } finally {
      await sweepRun(runId);
    }
  }, CONTAINERS);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('v1 (send-proxy): same headers, connection by connection', async () => {
    const [file] = pcaps.v1!;
    const ours = await proxyproofRows(file!);
    expect(ours).toHaveLength(3);
    expect(ours.every((r) => r.version === 1)).toBe(true);
    expect(await tsharkRows(file!)).toEqual(ours);
  });

  test('v2 (send-proxy-v2 with crc32c, unique-id, authority): same headers and TLV types', async () => {
    const [file] = pcaps.v2!;
    const ours = await proxyproofRows(file!);
    expect(ours).toHaveLength(3);
    expect(ours.map((r) => [r.version, r.src, r.sport])).toEqual([
      [2, '198.51.100.7', 40000],
      [2, '198.51.100.7', 40001],
      [2, '198.51.100.7', 40002],
    ]);
    // AUTHORITY (2), CRC32C (3), UNIQUE_ID (5): all three options made it onto the wire.
    expect(ours.every((r) => JSON.stringify(r.tlvTypes) === '[2,3,5]')).toBe(true);
    expect(await tsharkRows(file!)).toEqual(ours);
  });

  test('v2 TLV values decode: the authority the client sent, a verified CRC32C, a unique id', async () => {
    const [file] = pcaps.v2!;
    const [first] = extractProxyHeaders(await readFile(file!));
    const tlvs = Object.fromEntries(first!.headers[0]!.tlvs.map((t) => [t.name, t.value]));
    expect(tlvs.AUTHORITY).toBe('db.example.test');
    expect(tlvs.CRC32C).toMatchObject({ verified: true });
    expect(typeof tlvs.UNIQUE_ID).toBe('string');
  });
});
