// The HTML report in a real browser, offline: it loads from disk without a
// console message (no script error, nothing refused by its CSP), every scenario
// is in the DOM, and screenshots wide and narrow are kept beside the page.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { renderHtml } from '../../harness/report/html.ts';
import { CHROMIUM, chromiumArgs, consoleLines, hasChromium } from '../support/chromium.ts';
import { fixtureReport } from '../support/html-report-fixture.ts';

const BROWSER = 60_000;
const describeWithChromium = hasChromium ? describe : describe.skip;
const title = hasChromium
  ? 'the HTML report in headless Chromium'
  : `the HTML report in headless Chromium — SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium, or bash .ci/test-tools.sh)`;
/** Fixed, not random: the latest screenshots stay where a person can look, and nothing piles up. */
const dir = join(tmpdir(), 'proxyproof-report-chromium');
const page = join(dir, 'index.html');

async function chromium(profile: string, extra: string[]) {
  return execa(CHROMIUM, chromiumArgs(join(dir, profile), [...extra, pathToFileURL(page).href]), {
    timeout: BROWSER,
  });
}

describeWithChromium(title, () => {
  beforeAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(page, renderHtml(fixtureReport));
  });

  test(
    'loads with no console message and every scenario in the DOM',
    async () => {
      const { stdout, stderr } = await chromium('profile-dom', ['--dump-dom']);
      expect(consoleLines(stderr)).toEqual([]);
      for (const s of fixtureReport.scenarios) expect(stdout).toContain(`id="scenario-${s.id}"`);
      // The escaped server error stayed text: no element was made of it.
      expect(stdout).not.toContain('<img');
      expect(stdout).toContain('&lt;script&gt;alert("x")&lt;/script&gt;');
    },
    BROWSER,
  );

  test.each([
    ['index.png', '1280,2400'],
    ['index-narrow.png', '390,2400'],
  ])(
    'saves a screenshot %s beside the page',
    async (name, size) => {
      const shot = join(dir, name);
      const { stderr } = await chromium(`profile-${name}`, [
        `--screenshot=${shot}`,
        `--window-size=${size}`,
        '--hide-scrollbars',
      ]);
      expect(consoleLines(stderr)).toEqual([]);
      const png = await readFile(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
    },
    BROWSER,
  );
});
