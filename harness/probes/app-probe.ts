// A client for a backend that is an application: it asks who it is by an HTTP
// GET, or reads the line the server writes back on connect. Either way the
// answer is the client's address as the application saw it.
import { connect } from 'node:net';
import { parseReported, type Endpoint } from '../net/endpoint.ts';
import type { WhoAmI } from './session.ts';
import { PROBE_TIMEOUT_MS, probeClock, type OpenProbe } from './open-probe.ts';

type AppWhoAmI = Exclude<WhoAmI, { protocol: 'mysql' }>;

/** The address in an application's answer: a line, an HTTP body, or JSON {address, port}. */
export function reportedAddress(text: string): { address: string; port: number | null } | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as { address?: unknown; port?: unknown };
      if (typeof json.address !== 'string') return null;
      return parseReported(
        typeof json.port === 'number' ? `[${json.address}]:${json.port}` : json.address,
      );
    } catch {
      return null;
    }
  }
  return parseReported(trimmed.split(/\r?\n/)[0] ?? '');
}

/** The status and body of a whole HTTP/1.x response, or null when it is not one. */
function httpAnswer(raw: string): { status: number; body: string } | null {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(raw);
  const end = raw.indexOf('\r\n\r\n');
  if (!m || end < 0) return null;
  return { status: Number(m[1]), body: raw.slice(end + 4) };
}

/**
 * One connection to an application through the balancer (or `prefix`'s
 * front): its origin from our own socket, the application's answer until it
 * closes or the line ends. A connection closed without a word is the
 * application refusing it (CONNECTION_CLOSED), as a refused header looks from
 * the client's side.
 */
export function openAppProbe(
  client: string,
  target: Endpoint,
  whoAmI: AppWhoAmI,
  prefix: ((origin: Endpoint) => Uint8Array) | undefined,
  signal: AbortSignal | undefined,
  /** Under load, the client's own port (see probeAtPace); otherwise the kernel's choice. */
  localPort?: number,
): OpenProbe {
  const socket = connect({ host: target.address, port: target.port, signal, localPort });
  const timed = probeClock(socket);
  let origin: Endpoint | null = null;
  const chunks: Buffer[] = [];
  const fail = (error: string) => ({ client, origin, backend: null, error });
  const result = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`TIMEOUT: no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
      PROBE_TIMEOUT_MS,
    );
    const done = (answer: string | Error) => {
      clearTimeout(timer);
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    socket.once('connect', () => {
      if (socket.localAddress && socket.localPort)
        origin = { address: socket.localAddress, port: socket.localPort };
      if (prefix && origin) socket.write(prefix(origin));
      if (whoAmI.protocol === 'http')
        socket.write(`GET ${whoAmI.path} HTTP/1.0\r\nHost: ${target.address}\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      if (whoAmI.protocol === 'line' && text.includes('\n')) done(text);
    });
    socket.once('end', () => done(Buffer.concat(chunks).toString('utf8')));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done(new Error(`${e.code ?? 'ERROR'}: ${e.message}`)),
    );
  })
    .then(
      (answer) => {
        if (answer === '')
          return fail('CONNECTION_CLOSED: the server closed the connection without a word');
        let body = answer;
        if (whoAmI.protocol === 'http') {
          const http = httpAnswer(answer);
          if (!http)
            return fail(`NOT_HTTP: the answer is not an HTTP response: ${answer.slice(0, 80)}`);
          if (http.status !== 200) return fail(`HTTP_${http.status}: ${http.body.slice(0, 200)}`);
          body = http.body;
        }
        const host = reportedAddress(body);
        if (!host) return fail(`UNREADABLE: the answer names no address: ${body.slice(0, 80)}`);
        return { client, origin, backend: { host, user: null, instance: null }, error: null };
      },
      (e: unknown) => fail((e as Error).message),
    )
    .then(timed);
  return {
    result,
    close: async () => {
      socket.destroy();
    },
  };
}
