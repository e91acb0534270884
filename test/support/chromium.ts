import { execaSync } from 'execa';

/**
 * Debian's package and command are both `chromium` (.ci/test-tools.sh installs
 * it); PROXYPROOF_CHROMIUM names another Chromium or Chrome binary.
 */
export const CHROMIUM = process.env.PROXYPROOF_CHROMIUM || 'chromium';
export const hasChromium =
  execaSync('sh', ['-c', 'command -v "$0"', CHROMIUM], { reject: false }).exitCode === 0;

/**
 * Headless Chromium that cannot reach any network: every connection goes to a
 * discard port through a proxy that is not there, and no name resolves. Page
 * console messages (errors, CSP refusals, uncaught exceptions) go to stderr as
 * `CONSOLE` lines. Each run gets its own profile so parallel runs never share one.
 */
export function chromiumArgs(profileDir: string, extra: string[]): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profileDir}`,
    '--proxy-server=127.0.0.1:9',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--no-first-run',
    '--enable-logging=stderr',
    '--v=0',
    ...extra,
  ];
}

/** The page's console messages among Chromium's own log lines. */
export const consoleLines = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => /:CONSOLE[:(]|Uncaught/.test(line));
