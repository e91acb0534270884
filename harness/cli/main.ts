import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { SetupError } from '../errors.ts';
import { sweepRun } from '../topology/docker.ts';
import { gate, run, type RunOptions } from './run.ts';
import { decode } from './decode.ts';
import { simulate } from './simulate.ts';
import { awsSweep } from './aws-sweep.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PATTERN_HELP = 'comma-separated scenario ids to run; * matches any text (aws-*)';

/** The options run and gate share. */
const runOptions = (command: Command) =>
  command
    .option('--reports <dir>', 'folder for run reports', `${ROOT}reports`)
    .option('--jobs <n>', 'scenarios (or groups sharing a topology) run at once', '2')
    .option('--quiet', 'for CI: only verdicts, failures with their reasons, and the summary');

const program = new Command()
  .name('proxyproof')
  .description(
    "Proves a client's origin IP survives a TCP load balancer through the PROXY protocol to MySQL-family backends.",
  );

runOptions(
  program
    .command('run')
    .description(
      'run every scenario (local containers; AWS ones when AWS settings are present) and write reports/<run-id>/',
    )
    .option('--scenarios <dir>', 'folder of scenario files', `${ROOT}scenarios`),
)
  .option('--only <ids>', PATTERN_HELP)
  .action(async (options: RunOptions & { scenarios: string; only?: string }) => {
    process.exitCode = await run(options);
  });

runOptions(
  program
    .command('gate')
    .description(
      'run the scenarios as run does, for CI: exit 0 only when none failed (and, with --require aws, every AWS scenario ran)',
    )
    .option('--dir <folder>', 'folder of scenario files', `${ROOT}scenarios`)
    .option('--scenarios <ids>', PATTERN_HELP)
    .option('--require <target>', 'aws: fail when an AWS scenario is skipped or none is selected'),
).action(async (options: RunOptions & { dir: string; scenarios?: string; require?: string }) => {
  process.exitCode = await gate(options);
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
  .option(
    '--records-only',
    "only replay this machine's restore records; leave other runs' policies alone",
  )
  .option('--reports <dir>', "folder holding the runs' restore records", `${ROOT}reports`)
  .action(async (options: { olderThan: string; reports: string; recordsOnly?: boolean }) => {
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
