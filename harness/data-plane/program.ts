// The NLB data plane as a program, bundled (topology/program-bundle.ts) and
// run with Debian's Node 18 in a sidecar sharing the balancer container's
// network namespace, in front of HAProxy:
//   node proxyproof-nlb-data-plane.cjs --listen [address:]port --upstream address:port --settings file.json
// stdout, one JSON object a line: {"event":"ready",...} once listening, then
// {"event":"connection",...} as each connection closes, and
// {"event":"settings-problem",...} when the settings file cannot be used.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { errorKind, errorLine } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { formatEndpoint } from '../net/endpoint.ts';
import { parseCommandLine } from './command-line.ts';
import { createRelay } from './relay.ts';
import { SettingsFile } from './settings-file.ts';

const NAME = 'proxyproof-nlb-data-plane';

function line(event: string, fields: object): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

async function main(): Promise<void> {
  const options = parseCommandLine(process.argv.slice(2));
  const settings = await SettingsFile.open(options.settings, (problem) => {
    line('settings-problem', { file: options.settings, problem, using: 'the last good settings' });
  });
  const server = createRelay({
    upstream: options.upstream,
    settings: () => settings.current(),
    onConnection: (record) => line('connection', record),
  });
  server.listen(options.listen);
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  line('ready', {
    listen: formatEndpoint({ address, port }),
    upstream: formatEndpoint(options.upstream),
    settings: options.settings,
  });
}

// Being stopped is how a sidecar ends (and PID 1 would ignore SIGTERM without a handler).
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => process.exit(EXIT.passed));
}

main().catch((e: unknown) => {
  process.stderr.write(`${NAME}: ${errorLine(e)}\n`);
  process.exitCode = errorKind(e) === 'harness' ? EXIT.internal : EXIT.setup;
});
