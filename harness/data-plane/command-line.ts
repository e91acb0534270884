// The data plane program's arguments.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { SetupError } from '../errors.ts';
import { parseHostPort, type Endpoint } from '../net/endpoint.ts';

export const USAGE =
  'usage: proxyproof-nlb-data-plane --listen [address:]port --upstream address:port --settings <file.json>';

export interface CommandLine {
  /**
   * A bare port listens on every address, IPv6 and IPv4 alike where the host
   * has IPv6 (an NLB listener); address:port ([v6]:port) on that address only.
   */
  listen: { host?: string; port: number };
  /** The balancer behind the data plane: HAProxy's accept-proxy bind on loopback. */
  upstream: Endpoint;
  /** The settings file, read again for every new connection (settings-file.ts). */
  settings: string;
}

/** Arguments the program cannot run with; the message ends with the usage. */
export class UsageError extends SetupError {
  override readonly name = 'UsageError';
}

const PORT = /^(0|[1-9][0-9]{0,4})$/;

/** An IP address and port: the sidecar shares the balancer's namespace, so no name is needed. */
function endpoint(flag: string, text: string): Endpoint {
  const parsed = parseHostPort(text);
  if (!parsed || !isIP(parsed.address) || parsed.port > 65535) {
    throw usage(`--${flag} ${text}: expected address:port ([address]:port for IPv6)`);
  }
  return parsed;
}

const usage = (problem: string) => new UsageError(`${problem}\n${USAGE}`);

export function parseCommandLine(argv: string[]): CommandLine {
  let values: { listen?: string; upstream?: string; settings?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        listen: { type: 'string' },
        upstream: { type: 'string' },
        settings: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw usage((e as Error).message);
  }
  const { listen, upstream, settings } = values;
  if (listen === undefined || upstream === undefined || settings === undefined) {
    throw usage('--listen, --upstream and --settings are required');
  }
  const port = PORT.test(listen) ? Number(listen) : null;
  if (port !== null && port > 65535) throw usage(`--listen ${listen}: not a port`);
  const at = port === null ? endpoint('listen', listen) : null;
  return {
    listen: at ? { host: at.address, port: at.port } : { port: port! },
    upstream: endpoint('upstream', upstream),
    settings,
  };
}
