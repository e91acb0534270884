import { Command, CommanderError } from 'commander';
import { fileURLToPath } from 'node:url';
import { errorKind, errorLine, SetupError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { clean } from './clean.ts';
import { init, type InitOptions } from './init.ts';
import { merge } from './merge.ts';
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
    .option('--quiet', 'for CI: only verdicts, failures with their reasons, and the summary')
    .option(
      '--shard <i/n>',
      'run only the i-th of n deterministic shares of the selection (CI runners); proxyproof merge joins their reports',
    );

// Until a command has finished, the code says "internal error": a run that
// stalls on a promise nothing settles must never read as success.
process.exitCode = EXIT.internal;
let finished = false;
process.once('beforeExit', () => {
  if (finished) return;
  process.stderr.write(
    'proxyproof: internal error: the command stopped with work unfinished; please report it\n',
  );
});

const program = new Command()
  .name('proxyproof')
  .description(
    "Proves a client's origin IP survives a TCP load balancer through the PROXY protocol to MySQL-family backends.",
  )
  // Commander's own exits (unknown option or command, missing argument) become exit 2 below.
  .exitOverride()
  .configureOutput({
    // One line, as every bad input gets: what is wrong and where to look.
    outputError: (text, write) =>
      write(
        `proxyproof: ${text.replace(/^error: /, '').trim()} (proxyproof --help lists the commands and options)\n`,
      ),
  });

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
    'remove the containers and networks of runs whose owner is gone (e.g. after kill -9); runs still going are left alone',
  )
  .option('--all', "remove every proxyproof run's containers and networks, live ones too")
  .option(
    '--older-than <age>',
    'also remove runs owned by other hosts (whose liveness cannot be checked) at least this old: 30m, 6h, 2d',
  )
  .action(async (options: { all?: boolean; olderThan?: string }) => {
    process.exitCode = await clean(options);
  });

program
  .command('merge')
  .description(
    "join the reports of one selection's shards (run --shard i/n on several runners) into one, and gate on the whole",
  )
  .argument(
    '<folders...>',
    'run folders (with report.json), or --reports folders (their latest run)',
  )
  .option('--reports <dir>', 'where the merged run is written', `${ROOT}reports`)
  .option('--require <target>', 'aws: fail when an AWS scenario is skipped or none is selected')
  .action(async (folders: string[], options: { reports: string; require?: string }) => {
    process.exitCode = await merge(folders, options);
  });

program
  .command('init')
  .description(
    'write a first scenario for your own backend (an image or a Dockerfile folder) into a folder of yours',
  )
  .option('--dir <folder>', 'where to write it', 'proxyproof-scenarios')
  .option('--image <image>', 'the backend image')
  .option('--build <folder>', 'or a folder with its Dockerfile (relative to --dir)')
  .requiredOption('--port <n>', 'the port it listens on')
  .requiredOption(
    '--who-am-i <how>',
    'how it tells the client it saw: line, http:/<path>, or mysql:<user>:<password>',
  )
  .option('--trust-env <name>', 'an environment variable it reads whom to trust from')
  .option('--trust-file <path>', 'a file it reads whom to trust from')
  .option('--name <name>', 'the scenario id and file name', 'my-backend')
  .action(async (options: InitOptions) => {
    process.exitCode = await init(options);
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
  process.exitCode = exitFor(e);
} finally {
  finished = true;
  // Whatever a scenario file or a library left pending must not hold the exit hostage.
  setTimeout(() => process.exit(), 2_000).unref();
}

/** Prints a command's error as the exit-code rule says, and returns the code. */
function exitFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version end with 0; commander has already printed its error line.
    return e.exitCode === 0 ? EXIT.passed : EXIT.setup;
  }
  if (errorKind(e) === 'environment') {
    // A SetupError's message is written for people (a bad scenario lists each problem on its line).
    process.stderr.write(`proxyproof: ${e instanceof SetupError ? e.message : errorLine(e)}\n`);
    return EXIT.setup;
  }
  process.stderr.write(
    `proxyproof: internal error, a defect of proxyproof; please report it with this output:\n${(e as Error).stack ?? String(e)}\n`,
  );
  return EXIT.internal;
}
