import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios, validateScenario, ScenarioFileError } from '../../harness/scenario/load.ts';

const good = {
  id: 'good',
  title: 'a good one',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', count: 2 },
  clients: [{ kind: 'harness', count: 3 }],
  checks: [{ kind: 'header', version: 'v1' }],
};
/** `good` as validation returns it: every default filled in. */
const goodValidated = {
  ...good,
  target: 'local',
  backends: { kind: 'mariadb', count: 2, trust: 'vpc-subnet', port: 3306 },
  fronts: [],
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
  test('a well-formed scenario is accepted, its defaults filled in', () => {
    expect(validateScenario('scenarios/good.ts', good)).toEqual(goodValidated);
  });
  test('a port out of range', () => {
    expect(problems({ ...good, balancer: { ...good.balancer, listenerPort: 70000 } })).toEqual([
      'balancer.listenerPort: Too big: expected number to be <=65535',
    ]);
  });
  test('a check of an unknown kind, and a known kind with a bad option, each named where it is', () => {
    expect(problems({ ...good, checks: [{ kind: 'origin-is-nice' }] })[0]).toMatch(
      /^checks\.0\.kind: /,
    );
    expect(problems({ ...good, checks: [{ kind: 'header', version: 'v3' }] })[0]).toMatch(
      /^checks\.0\.version: /,
    );
  });
  test("a component's options are its kind's: a Classic ELB has no v2 TLVs", () => {
    expect(problems({ ...good, balancer: { ...good.balancer, v2Tlvs: ['crc32c'] } })[0]).toMatch(
      /^balancer: Unrecognized key: "v2Tlvs"/,
    );
  });
  test('on AWS only clients from the harness run', () => {
    expect(
      problems({ ...good, target: 'aws', clients: [{ kind: 'mariadb-cli', count: 2 }] }),
    ).toEqual([
      "clients.0.kind: mariadb-cli clients need local containers; on AWS only clients from the harness's own process run",
    ]);
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
    await expect(loadScenarios(dir)).resolves.toEqual([goodValidated]);
    await writeFile(
      join(dir, 'broken.ts'),
      `export default ${JSON.stringify({ ...good, id: 'broken', backends: { kind: 'mariadb', count: 0 } })};\n`,
    );
    await expect(loadScenarios(dir)).rejects.toThrow(
      /broken\.ts:\n {2}- backends\.count: Too small/,
    );
  });
});
