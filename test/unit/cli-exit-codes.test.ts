import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneLine, proxyproof } from '../support/cli.ts';

// The exit-code rule through the real CLI: 0 only when something was checked
// and passed, 1 a failed check, 2 bad input or environment (one line, no
// stack), 70 a defect. Every command here runs against an engine address that
// does not exist, so none of them can have started anything.
/** For a regular expression matching `text` literally. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/proxyproof-test.sock' };

let scratch: string;
let empty: string;
let reports: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'proxyproof-exit-'));
  empty = await mkdtemp(join(tmpdir(), 'proxyproof-exit-empty-'));
  reports = join(scratch, 'reports');
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe('a run that would check nothing is bad input, not a green run', () => {
  test('run --scenarios <empty folder>: 2', async () => {
    const r = await proxyproof(['run', '--scenarios', empty, '--reports', reports], NO_ENGINE);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      `proxyproof: --scenarios ${empty}: no scenario files (*.ts) in this folder`,
    );
  }, 30_000);

  test('gate --dir <empty folder>: 2', async () => {
    const r = await proxyproof(['gate', '--dir', empty, '--reports', reports], NO_ENGINE);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toContain(`--dir ${empty}: no scenario files`);
  }, 30_000);

  test('a folder that is missing, or a file: 2, named, no stack', async () => {
    for (const [command, option] of [
      ['run', '--scenarios'],
      ['gate', '--dir'],
    ] as const) {
      const missing = await proxyproof([command, option, join(scratch, 'nope')], NO_ENGINE);
      expect(missing.exitCode).toBe(2);
      expect(oneLine(missing.stderr)).toBe(
        `proxyproof: ${option} ${join(scratch, 'nope')}: no such folder`,
      );
      const file = await proxyproof([command, option, '/etc/hostname'], NO_ENGINE);
      expect(file.exitCode).toBe(2);
      expect(oneLine(file.stderr)).toBe(`proxyproof: ${option} /etc/hostname: not a folder`);
    }
  }, 60_000);

  test('every selected scenario skipped (no AWS settings): 2, "nothing was checked"', async () => {
    const r = await proxyproof(
      ['run', '--only', 'aws-*', '--reports', reports, '--quiet'],
      NO_ENGINE,
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('0 passed, 0 failed, 0 errored, 2 skipped');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'nothing was checked: all 2 selected scenario(s) were skipped',
    );
  }, 30_000);
});

test('a scenario file whose top-level await never settles: 2, the file named, within the bound', async () => {
  const dir = await mkdtemp(join(scratch, 'hang-'));
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, 'hangs.ts'), 'await new Promise(() => {});\nexport default {};\n');
  const started = Date.now();
  const r = await proxyproof(['run', '--scenarios', dir, '--reports', reports], {
    ...NO_ENGINE,
    PROXYPROOF_LOAD_TIMEOUT_MS: '1500',
  });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain(`${join(dir, 'hangs.ts')}:`);
  expect(r.stderr).toContain('did not finish loading within 1.5 s');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(Date.now() - started).toBeLessThan(15_000);
}, 30_000);

describe('malformed AWS settings are bad input (2), never a skip', () => {
  const cases: [string, string, string][] = [
    ['PROXYPROOF_CLASSIC_ELB_INSTANCE_PORT', '99999', 'must be a port 1-65535'],
    ['PROXYPROOF_CLASSIC_ELB_LISTENER', '[::', 'must be host:port'],
    ['PROXYPROOF_NLB_LISTENER', 'db.example:port', 'must be host:port'],
    ['PROXYPROOF_AWS_ENDPOINT', 'not a url', 'is not a URL'],
    ['PROXYPROOF_AWS_ENDPOINT', 'ftp://127.0.0.1:1', 'must be an http:// or https:// URL'],
    ['PROXYPROOF_ORIGIN_ADDRESS', 'my-laptop', 'is not an IP address'],
    ['PROXYPROOF_NLB_TARGET_GROUP_ARN', 'tg-123', 'is not a target group ARN'],
  ];
  test.each(cases)(
    '%s=%s',
    async (name, value, why) => {
      const r = await proxyproof(['run', '--only', 'aws-*', '--reports', reports], {
        ...NO_ENGINE,
        [name]: value,
      });
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toMatch(
        new RegExp(
          `^proxyproof: malformed AWS settings: ${escape(`${name}=${JSON.stringify(value)} ${why}`)}`,
        ),
      );
    },
    30_000,
  );
});

test('an unwritable --reports: 2 before anything starts', async () => {
  const r = await proxyproof(
    ['run', '--only', 'classic-elb-v1', '--reports', '/etc/hostname/reports'],
    NO_ENGINE,
  );
  expect(r.exitCode).toBe(2);
  expect(oneLine(r.stderr)).toBe(
    'proxyproof: --reports /etc/hostname/reports: cannot write there (ENOTDIR)',
  );
}, 30_000);

describe('usage mistakes are 2, not 1 (which reads as "a scenario failed")', () => {
  test.each([
    [['run', '--no-such-option'], "unknown option '--no-such-option'"],
    [['no-such-command'], "unknown command 'no-such-command'"],
    [['gate', '--jobs', 'many'], '--jobs must be a whole number >= 1, not many'],
    [['clean', '--older-than', 'soon'], '--older-than must be like 30m, 6h, 2d or 0, not soon'],
    [['decode'], 'give a capture file, or --hex <header bytes>'],
  ])(
    'proxyproof %j: 2, one line',
    async (args, problem) => {
      const r = await proxyproof(args, NO_ENGINE);
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toContain(`proxyproof: ${problem}`);
    },
    30_000,
  );

  test('no command at all: the usage, and 2', async () => {
    const r = await proxyproof([], NO_ENGINE);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Usage: proxyproof');
  }, 30_000);

  test('--help is 0', async () => {
    const r = await proxyproof(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: proxyproof');
  }, 30_000);
});

describe('decode', () => {
  test('--hex that is not hex: 2, one line', async () => {
    const r = await proxyproof(['decode', '--hex', 'zz0a']);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe('proxyproof: --hex "zz0a" is not an even number of hex digits');
  }, 30_000);

  test('a LOCAL header whose CRC32C is wrong is refused, as the same bytes with PROXY are', async () => {
    const local = '0d0a0d0a000d0a515549540a20110013040010000000000000000000030004deadbeef';
    const proxy = local.replace('0a2011', '0a2111');
    for (const hex of [local, proxy]) {
      const r = await proxyproof(['decode', '--hex', hex]);
      expect(r.exitCode).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'V2_CRC_MISMATCH' } });
    }
  }, 30_000);
});

describe('aws sweep', () => {
  test('--reports that does not exist: 2, not "0 restored"', async () => {
    const r = await proxyproof([
      'aws',
      'sweep',
      '--records-only',
      '--reports',
      join(scratch, 'missing'),
    ]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      `proxyproof: --reports ${join(scratch, 'missing')}: no such folder`,
    );
  }, 30_000);

  test('an endpoint that refuses: 2, one line naming it', async () => {
    const r = await proxyproof(['aws', 'sweep', '--older-than', '0', '--reports', scratch], {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'proxyproof',
      AWS_SECRET_ACCESS_KEY: 'proxyproof',
      PROXYPROOF_AWS_ENDPOINT: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(
      /^proxyproof: the ELB API \(http:\/\/127\.0\.0\.1:9\) did not let the sweep finish: .*ECONNREFUSED/,
    );
  }, 60_000);
});

describe('init', () => {
  const init = (dir: string, extra: string[]) =>
    proxyproof(['init', '--dir', dir, '--port', '8080', ...extra], NO_ENGINE);

  test('writes a scenario and a package.json, says how to run it, and never overwrites', async () => {
    const dir = join(scratch, 'init-ok');
    const r = await init(dir, [
      '--image',
      'my-app:1',
      '--who-am-i',
      'http:/whoami',
      '--trust-env',
      'TRUSTED_PROXIES',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`run it: npx proxyproof run --scenarios ${dir}`);
    const again = await init(dir, ['--image', 'my-app:1', '--who-am-i', 'line']);
    expect(again.exitCode).toBe(2);
    expect(oneLine(again.stderr)).toBe(
      `proxyproof: ${join(dir, 'my-backend.ts')} exists; proxyproof init never overwrites a scenario`,
    );
  }, 30_000);

  test.each([
    [
      ['--who-am-i', 'line'],
      'give the backend as --image <image> or --build <folder>: one of them',
    ],
    [
      ['--image', 'x', '--who-am-i', 'telepathy'],
      '--who-am-i must be line, http:/<path> or mysql:<user>:<password>, not "telepathy"',
    ],
    [
      ['--image', 'x', '--who-am-i', 'line', '--name', 'Bad Name'],
      '--name must be lower-case letters, digits and dashes, not Bad Name',
    ],
  ])(
    '%j: 2, one line',
    async (args, problem) => {
      const r = await init(join(scratch, 'init-bad'), args);
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toBe(`proxyproof: ${problem}`);
    },
    30_000,
  );
});
