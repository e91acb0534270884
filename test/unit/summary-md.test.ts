import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  escapeMarkdown,
  renderSummaryMarkdown,
  writeStepSummary,
} from '../../harness/report/summary-md.ts';
import { failingConnection, mixedReport, runReport, scenario } from '../support/failing-run.ts';

describe('step summary Markdown', () => {
  const md = renderSummaryMarkdown(mixedReport);
  const lines = md.split('\n');

  test('headline: failures counted, then counts, duration and target', () => {
    expect(lines[0]).toBe('## ❌ proxyproof: 1 of 3 scenario(s) failed');
    expect(md).toContain(
      '1 passed · 1 failed · 0 errored · 1 skipped · 41.2 s · target local+aws · run 20261126-000000-ab12',
    );
  });

  test('all passed, and all skipped, are said differently', () => {
    const ok = scenario({ id: 'a', status: 'passed', reason: 'fine' });
    const skip = scenario({ id: 'b', status: 'skipped', reason: 'no settings' });
    expect(renderSummaryMarkdown(runReport([ok, skip]))).toMatch(
      /^## ✅ proxyproof: all 1 scenario\(s\) passed, 1 skipped\n/,
    );
    expect(renderSummaryMarkdown(runReport([skip]))).toMatch(/^## ⏭️ .*none of 1 .*all skipped/);
  });

  test('one table row per scenario: mark, id, status, duration, reason', () => {
    expect(md).toContain('|  | scenario | status | duration | reason |');
    expect(md).toContain('| ✅ | classic-elb-v1 | passed | 1.5 s | every backend saw its client |');
    expect(md).toContain(
      '| ⏭️ | aws-nlb-v2 | skipped | 1.5 s | needs AWS settings: PROXYPROOF\\_NLB\\_TARGET\\_GROUP\\_ARN is not set |',
    );
  });

  test('| and newlines from the report cannot break a row; HTML stays text', () => {
    const failedRow = lines.find((l) => l.startsWith('| ❌ | classic-elb-policy-off'));
    expect(failedRow).toBe(
      '| ❌ | classic-elb-policy-off | failed | 3.2 s | 1 of 2 connections failed \\| see below<br>second line \\<b\\> |',
    );
    // Five cells: six separators once the escaped pipe is set aside.
    expect(failedRow!.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  test('a failed scenario shows each failing connection: three views and the diagnosis', () => {
    expect(md).toContain('### ❌ classic-elb-policy-off: Classic ELB without the policy');
    expect(md).toContain("| connection | origin | header source | backend's view | diagnosis |");
    // The header source is the last stacked header's, as the backend applied it.
    expect(md).toContain(
      '| harness#2 | 172.30.0.1:46812 | 10.9.9.9:4444 | 172.31.0.4:44920 (backend-1) | ' +
        'backend backend-1 saw the balancer (172.31.0.4:44920), not the client 172.30.0.1:46812<br>' +
        'header source 10.9.9.9:4444 differs from origin 172.30.0.1:46812 |',
    );
    expect(md).not.toContain('harness#1');
  });

  test('no header, no session: "none" in their columns', () => {
    const bare = { ...failingConnection, wire: null, backend: null, origin: null };
    const out = renderSummaryMarkdown(
      runReport([scenario({ id: 'x', status: 'failed', reason: 'r', connections: [bare] })]),
    );
    expect(out).toContain('| harness#2 | none | none | none | backend backend-1 saw');
  });

  test('many failing connections: the first 20, and how many more', () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ ...failingConnection, client: `c${i}` }));
    const out = renderSummaryMarkdown(
      runReport([scenario({ id: 'x', status: 'failed', reason: 'r', connections: many })]),
    );
    expect(out).toContain('| c19 |');
    expect(out).not.toContain('| c20 |');
    expect(out).toContain('…and 3 more failing connection(s) in report.json.');
  });

  test('a failure without connections shows its reason', () => {
    const out = renderSummaryMarkdown(
      runReport([scenario({ id: 'x', status: 'failed', reason: 'the backend never answered' })]),
    );
    expect(out).toContain('### ❌ x: x\n\nthe backend never answered\n');
  });

  test('an errored scenario leads the headline, is not a failure, and says whose fault', () => {
    const out = renderSummaryMarkdown(
      runReport([
        scenario({ id: 'ok', status: 'passed', reason: 'fine' }),
        scenario({
          id: 'x',
          status: 'errored',
          errorKind: 'environment',
          reason: '(HTTP code 404) no such container',
        }),
      ]),
    );
    expect(out).toMatch(/^## ⚠️ proxyproof: 1 of 2 scenario\(s\) errored \(no verdict\)\n/);
    expect(out).toContain('1 passed · 0 failed · 1 errored · 0 skipped');
    expect(out).toContain('- **x** (environment): (HTTP code 404) no such container');
    expect(out).not.toContain('### ❌');
  });

  test('skipped scenarios are listed with their reasons; warnings too', () => {
    expect(md).toContain(
      '### ⏭️ Skipped\n\n- **aws-nlb-v2**: needs AWS settings: PROXYPROOF\\_NLB\\_TARGET\\_GROUP\\_ARN is not set',
    );
    const warned = runReport([
      scenario({ id: 'w', status: 'passed', reason: 'ok', warnings: ['forgery works'] }),
    ]);
    expect(renderSummaryMarkdown(warned)).toContain('### ⚠️ Warnings\n\n- **w**: forgery works');
  });

  test('escaping keeps text literal', () => {
    expect(escapeMarkdown('a|b\r\nc*d_e`f[g](h) <i> & \\')).toBe(
      'a\\|b<br>c\\*d\\_e\\`f\\[g\\](h) \\<i\\> \\& \\\\',
    );
  });
});

describe('writeStepSummary', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'proxyproof-summary-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('appends to $GITHUB_STEP_SUMMARY, after what earlier steps wrote', async () => {
    const file = join(dir, 'step_summary');
    const env = { GITHUB_STEP_SUMMARY: file };
    expect(await writeStepSummary('first\n', env)).toBe(true);
    expect(await writeStepSummary('second\n', env)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('first\nsecond\n');
  });

  test('outside GitHub Actions it writes nothing', async () => {
    expect(await writeStepSummary('x', {})).toBe(false);
    expect(await writeStepSummary('x', { GITHUB_STEP_SUMMARY: '' })).toBe(false);
  });
});
