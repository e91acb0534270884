import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios, validateScenario, ScenarioFileError } from '../../harness/scenario/load.ts';

const good = {
  id: 'good',
  title: 'a good one',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 2,
  clients: { harness: 3 },
  expect: { header: 'v1', backendSees: 'client' },
};

function problems(exported: unknown, file = 'scenarios/good.ts'): string[] {
  try {
    validateScenario(file, exported);
    return [];
  } catch (e) {
    if (!(e instanceof ScenarioFileError)) throw e;
    return e.problems;
  }
}

describe('scenario validation names the file, the field and the problem', () => {
  test('a well-formed scenario is accepted as written', () => {
    expect(validateScenario('scenarios/good.ts', good)).toEqual(good);
  });
  test('a port out of range', () => {
    expect(problems({ ...good, balancer: { ...good.balancer, listenerPort: 70000 } })).toEqual([
      'balancer.listenerPort: Too big: expected number to be <=65535',
    ]);
  });
  test('an unknown expectation', () => {
    expect(problems({ ...good, expect: { header: 'v3', backendSees: 'client' } })[0]).toMatch(
      /^expect\.header: /,
    );
  });
  test('a misspelt field is not silently ignored', () => {
    expect(problems({ ...good, backend: 2 })[0]).toMatch(/backend/);
  });
  test('the id must match the file name', () => {
    expect(problems(good, 'scenarios/other.ts')).toEqual([
      'id: "good" must match the file name "other"',
    ]);
  });
  test('no default export', () => {
    expect(problems(undefined)[0]).toMatch(/^\(scenario\): /);
  });
});

describe('loading a folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyproof-scenarios-'));
    // Scenario files are ES modules, as in the project's own package.
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('a new file is picked up, a bad one rejects the whole set with its name', async () => {
    await writeFile(join(dir, 'good.ts'), `export default ${JSON.stringify(good)};\n`);
    await expect(loadScenarios(dir)).resolves.toEqual([good]);
    await writeFile(
      join(dir, 'broken.ts'),
      `export default ${JSON.stringify({ ...good, id: 'broken', backends: 0 })};\n`,
    );
    await expect(loadScenarios(dir)).rejects.toThrow(/broken\.ts:\n {2}- backends: Too small/);
  });
});
