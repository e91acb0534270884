import { buffer } from 'node:stream/consumers';
import { execa } from 'execa';
import { pack } from 'tar-stream';
import { renderHaproxyConfig, type BalancerSpec } from '../../harness/topology/haproxy-config.ts';
import { ensureImage } from '../../harness/topology/images.ts';

// test/unit/haproxy-config.test.ts compares rendered text; here the balancer
// image's own HAProxy (Debian's 2.6) judges every shape of config the harness
// renders, with `haproxy -c -dW`: an error or a warning fails it.

/** The first run builds the balancer image (about a minute). */
const BUILD = 10 * 60_000;

const instances = [
  { name: 'backend-1', address: '10.213.1.2' },
  { name: 'backend-2', address: '10.213.1.3' },
];
const v1: BalancerSpec = { listenerPort: 3306, instancePort: 3306, proxyProtocol: 'v1', instances };
const v2: BalancerSpec = { ...v1, proxyProtocol: 'v2' };
const TLVS = ['crc32c', 'unique-id', 'authority'] as const;

/** A scenario file's check (run-scenario.ts): every intervalMs, with the check user. */
const scenarioCheck = (kind: 'aws-header' | 'mysql') =>
  ({ kind, intervalMs: 100, user: 'proxyproof_check' }) as const;
/** A check from ConfigureHealthCheck (local-elb.ts): thresholds, timeout, its own port, TLS or not. */
const elbCheck = {
  intervalMs: 10_000,
  timeoutMs: 5_000,
  rise: 3,
  fall: 2,
  port: 3306,
  ssl: false,
} as const;

const shapes: [string, BalancerSpec][] = [
  ['no PROXY header (policy off)', { ...v1, proxyProtocol: 'none' }],
  ['PROXY v1 (send-proxy)', v1],
  [
    'PROXY v1, listener 13306 to instance port 3307',
    { ...v1, listenerPort: 13306, instancePort: 3307 },
  ],
  // Every combination of proxy-v2-options, the empty one included.
  ...TLVS.reduce<(typeof TLVS)[number][][]>(
    (subsets, tlv) => [...subsets, ...subsets.map((s) => [...s, tlv])],
    [[]],
  ).map((options): [string, BalancerSpec] => [
    `PROXY v2 (send-proxy-v2) with proxy-v2-options [${options.join(',')}]`,
    { ...v2, v2Options: options },
  ]),
  ['PROXY v1, accepting PROXY from a proxy in front', { ...v1, acceptProxy: true }],
  [
    'PROXY v2 with every TLV, accepting PROXY from a proxy in front (nlb-v2-tlv)',
    { ...v2, v2Options: [...TLVS], acceptProxy: true },
  ],
  ['dual-stack listener, PROXY v1 (ipv6)', { ...v1, dualStack: true }],
  ['dual-stack listener, PROXY v2 (ipv6-nlb)', { ...v2, dualStack: true }],
  [
    'a front balancer whose one instance is the balancer at an IPv6 address',
    { ...v1, instances: [{ name: 'balancer', address: 'fd00:213:0:1::3' }] },
  ],
  [
    'IPv6 instances with a TCP check on their port',
    {
      ...v2,
      dualStack: true,
      instances: [
        { name: 'backend-1', address: 'fd00:213:0:2::2' },
        { name: 'backend-2', address: 'fd00:213:0:2::3' },
      ],
      healthCheck: { kind: 'tcp', ...elbCheck },
    },
  ],
  ['no instances (all deregistered)', { ...v1, instances: [] }],
  [
    'no instances, with a health check configured',
    { ...v1, instances: [], healthCheck: { kind: 'tcp', ...elbCheck } },
  ],
  [
    "a Classic TCP check every 100 ms, AWS's v1 header from the ELB's address (health-checks)",
    { ...v1, vpcAddress: '10.213.1.3', healthCheck: scenarioCheck('aws-header') },
  ],
  [
    "an NLB TCP check every 100 ms, AWS's v2 LOCAL header (bytes)",
    { ...v2, healthCheck: scenarioCheck('aws-header') },
  ],
  [
    "a Classic ELB's header destination set to its own vpc address, behind a front",
    { ...v1, vpcAddress: '10.213.1.3', headerDestination: 'vpc-address', acceptProxy: true },
  ],
  [
    'a MySQL login check every 100 ms (health-checks-mysql)',
    { ...v1, healthCheck: scenarioCheck('mysql') },
  ],
  [
    'ELB TCP:3306 check without the policy',
    { ...v1, proxyProtocol: 'none', healthCheck: { kind: 'tcp', ...elbCheck } },
  ],
  [
    'ELB TCP:3306 check where the policy applies (send-lf of the v1 line)',
    { ...v1, vpcAddress: '10.213.1.3', healthCheck: { kind: 'aws-header', ...elbCheck } },
  ],
  [
    'ELB SSL:3306 check (check-ssl)',
    { ...v1, healthCheck: { kind: 'tcp', ...elbCheck, ssl: true } },
  ],
  [
    'ELB SSL:3306 check where the policy applies (check-ssl, the v1 line)',
    {
      ...v1,
      vpcAddress: '10.213.1.3',
      healthCheck: { kind: 'aws-header', ...elbCheck, ssl: true },
    },
  ],
  [
    'ELB HTTP:8080/health?full=1 check (httpchk)',
    { ...v1, healthCheck: { kind: 'http', ...elbCheck, port: 8080, path: '/health?full=1' } },
  ],
  [
    'ELB HTTPS:8443 check of a path with # " $ \\ \' % (quoted, escaped)',
    {
      ...v1,
      healthCheck: { kind: 'http', ...elbCheck, port: 8443, ssl: true, path: `/a#b"$c\\d'e%20f` },
    },
  ],
];

interface Verdict {
  exitCode: number;
  /** What haproxy printed, stdout and stderr together. */
  output: string;
}

/**
 * `haproxy -c -dW -f` on each config, all in one throwaway container of
 * `image`: the configs go in as a tar on stdin, each verdict comes back as
 * one line "<file> <exit code> <output in base64>".
 */
async function haproxyCheck(
  image: string,
  configs: Map<string, string>,
): Promise<Map<string, Verdict>> {
  const names = [...configs.keys()];
  const tar = pack();
  names.forEach((name, i) => tar.entry({ name: `${i}.cfg` }, configs.get(name)!));
  tar.finalize();
  const script = [
    'set -e',
    'mkdir /tmp/configs && cd /tmp/configs && tar -x',
    'set +e',
    'for f in *.cfg; do',
    '  out=$(haproxy -c -dW -f "$f" 2>&1); code=$?',
    '  printf "%s %s %s\\n" "$f" "$code" "$(printf %s "$out" | base64 -w0)"',
    'done',
  ].join('\n');
  const { stdout } = await execa(
    'docker',
    [
      'run',
      '--rm',
      '-i',
      '--label',
      'proxyproof.test=haproxy-config',
      '--network',
      'none',
      image,
      'sh',
      '-c',
      script,
    ],
    { input: await buffer(tar) },
  );
  const verdicts = new Map<string, Verdict>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [file = '', code = '', output = ''] = line.split(' ');
    verdicts.set(names[Number.parseInt(file, 10)]!, {
      exitCode: Number(code),
      output: Buffer.from(output, 'base64').toString('utf8'),
    });
  }
  return verdicts;
}

/** A v1 config with one line changed by `edit`, for HAProxy to object to. */
const spoiled = (edit: (config: string) => string) => edit(renderHaproxyConfig(v1));
const BROKEN = 'broken: an unknown server keyword';
const WARNED = 'valid, but with a warning';

describe('HAProxy 2.6 accepts every config the harness renders', () => {
  let verdicts: Map<string, Verdict>;

  beforeAll(async () => {
    const image = await ensureImage('balancer', () => undefined);
    const configs = new Map(shapes.map(([name, spec]) => [name, renderHaproxyConfig(spec)]));
    if (configs.size !== shapes.length) throw new Error('two shapes have the same name');
    configs.set(
      BROKEN,
      spoiled((c) => c.replaceAll(' send-proxy\n', ' send-proxy-v3\n')),
    );
    configs.set(
      WARNED,
      spoiled((c) => c.replace(/^ {2}log-format .*$/m, '$&\n  option httplog')),
    );
    verdicts = await haproxyCheck(image, configs);
  }, BUILD);

  test.each(shapes.map(([name]) => name))('valid, without a warning: %s', (name) => {
    expect(verdicts.get(name)).toEqual({ exitCode: 0, output: 'Configuration file is valid' });
  });

  test('a config HAProxy refuses fails the check, with its alert', () => {
    expect(verdicts.get(BROKEN)).toEqual({
      exitCode: 1,
      output: expect.stringMatching(/\[ALERT\].*unknown keyword 'send-proxy-v3'/),
    });
  });

  test('a config HAProxy only warns about fails the check too (-dW)', () => {
    expect(verdicts.get(WARNED)).toEqual({
      exitCode: 1,
      output: expect.stringMatching(/\[WARNING\].*'option httplog' not usable/),
    });
  });
});
