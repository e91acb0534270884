import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { Interrupted } from '../lifecycle/steps.ts';
import { runAll } from '../run/run-all.ts';
import { loadScenarios, selectScenarios } from '../scenario/load.ts';
import { SetupError } from '../errors.ts';
import { docker, sweepRun } from '../topology/docker.ts';
import { onInterrupt } from '../lifecycle/signals.ts';
import { consoleEvents } from './progress.ts';
import { decode } from './decode.ts';
import { simulate } from './simulate.ts';
import { awsSweep } from './aws-sweep.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Exit codes: 0 all passed, 1 a scenario failed, 2 bad input or environment, 130 interrupted. */
async function run(options: {
  scenarios: string;
  reports: string;
  jobs: string;
  only?: string;
}): Promise<number> {
  const jobs = Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new SetupError(`--jobs must be a whole number >= 1, not ${options.jobs}`);
  const scenarios = selectScenarios(await loadScenarios(options.scenarios), options.only);
  // Fail before anything starts if local scenarios need an engine that is not there.
  if (scenarios.some((s) => s.target !== 'aws')) await docker();

  const controller = new AbortController();
  onInterrupt(
    (signal) => {
      process.stderr.write(
        `\n${signal}: stopping after the current step and removing everything this run started (again to force)\n`,
      );
      controller.abort();
    },
    () => {
      process.stderr.write(
        'forced exit: containers may remain (npx proxyproof clean) and AWS balancers may be left changed (npx proxyproof aws sweep --older-than 0)\n',
      );
      process.exit(130);
    },
  );

  // If the run ever stalls on a promise nothing will settle, Node exits on an
  // empty event loop; that must read as a failure and still clean up.
  let runId: string | undefined;
  let finished = false;
  process.exitCode = 70;
  process.once('beforeExit', () => {
    if (finished) return;
    process.stderr.write(
      'proxyproof: internal error: the run stopped with work unfinished; removing its containers\n',
    );
    if (runId) void sweepRun(runId);
  });

  const events = consoleEvents();
  try {
    const { report, dir } = await runAll({
      scenarios,
      reportsDir: options.reports,
      signal: controller.signal,
      jobs,
      events: { ...events, runStarted: (id, list) => ((runId = id), events.runStarted(id, list)) },
    });
    finished = true;
    const { passed, failed, skipped } = report.summary;
    process.stderr.write(
      `\n${passed} passed, ${failed} failed, ${skipped} skipped\nreport: ${dir}/report.json\n`,
    );
    return failed > 0 ? 1 : 0;
  } catch (e) {
    finished = true;
    if (e instanceof Interrupted) {
      process.stderr.write('interrupted: everything this run started has been removed\n');
      return 130;
    }
    throw e;
  }
}

const program = new Command()
  .name('proxyproof')
  .description(
    "Proves a client's origin IP survives a TCP load balancer through the PROXY protocol to MySQL-family backends.",
  );

program
  .command('run')
  .description('run every scenario on local containers and write reports/<run-id>/')
  .option('--scenarios <dir>', 'folder of scenario files', `${ROOT}scenarios`)
  .option('--reports <dir>', 'folder for run reports', `${ROOT}reports`)
  .option('--jobs <n>', 'scenarios (or groups sharing a topology) run at once', '2')
  .option('--only <ids>', 'comma-separated scenario ids to run; * matches any text (aws-*)')
  .action(async (options: { scenarios: string; reports: string; jobs: string; only?: string }) => {
    process.exitCode = await run(options);
  });

program
  .command('simulate')
  .description(
    "run the blog's setup locally: a Classic ELB or an NLB, with the ELB APIs on loopback, in front of two MariaDB instances, until Ctrl-C",
  )
  .option('--port <n>', 'port of the ELB APIs on 127.0.0.1 (0: any free port)', '0')
  .option('--kind <kind>', 'the balancer: classic-elb or nlb', 'classic-elb')
  .action(async (options: { port: string; kind: string }) => {
    process.exitCode = await simulate(options);
  });

const aws = program.command('aws').description('housekeeping for balancers on AWS');
aws
  .command('sweep')
  .description(
    'put back what killed runs left changed on AWS balancers, and delete the policies they created',
  )
  .option('--older-than <age>', 'only leftovers at least this old: 30m, 6h, 2d, 0', '6h')
  .option('--reports <dir>', "folder holding the runs' restore records", `${ROOT}reports`)
  .action(async (options: { olderThan: string; reports: string }) => {
    process.exitCode = await awsSweep(options);
  });

program
  .command('clean')
  .description(
    'remove every container and network any proxyproof run left behind (e.g. after kill -9)',
  )
  .action(async () => {
    const { containers, networks } = await sweepRun();
    process.stdout.write(`removed ${containers} container(s) and ${networks} network(s)\n`);
  });

program
  .command('decode')
  .description(
    'decode PROXY headers: every connection in a pcap/pcapng file, or one header given as hex',
  )
  .argument('[file]', 'a capture file (pcap or pcapng)')
  .option('--hex <hex>', 'decode one header given as hex instead of a file')
  .option('--format <format>', 'json (one object per line) or table', 'json')
  .action(async (file: string | undefined, options: { hex?: string; format: string }) => {
    process.exitCode = await decode(file, options);
  });

try {
  await program.parseAsync();
} catch (e) {
  const message = e instanceof SetupError ? e.message : ((e as Error).stack ?? String(e));
  process.stderr.write(`proxyproof: ${message}\n`);
  process.exitCode = 2;
}
