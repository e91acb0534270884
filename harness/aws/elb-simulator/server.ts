import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SetupError } from '../../errors.ts';
import { classicElbApi } from './classic-api.ts';
import { AwsError, type ElbState } from './model.ts';
import { errorXml, QueryParams, resultXml, type QueryApi } from './query-xml.ts';

/**
 * AWS Query APIs over HTTP on loopback, chosen per request by its Version
 * parameter. The AWS SDK and the aws command-line client talk to it through
 * their endpoint override.
 */
export async function startQueryApi(
  apis: QueryApi[],
  listenPort = 0,
): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const query = req.method === 'GET' ? ((req.url ?? '').split('?')[1] ?? '') : body;
      reply(apis, new QueryParams(query))
        .then(({ status, xml }) => {
          res.writeHead(status, { 'content-type': 'text/xml' });
          res.end(xml);
        })
        // reply() answers every failure of an action as AWS would; anything that
        // still goes wrong ends this connection, never the process.
        .catch(() => res.destroy());
    });
  });
  await listenOn(server, listenPort);
  const { port: bound } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${bound}` };
}

/** The status and XML answering one request. Replies wait until a change has taken effect (HAProxy reloaded). */
async function reply(apis: QueryApi[], q: QueryParams): Promise<{ status: number; xml: string }> {
  const action = q.get('Action') ?? '';
  const version = q.get('Version') ?? '(none)';
  const api = apis.find((a) => a.version === version);
  const namespaceVersion = api?.version ?? apis[0]!.version;
  try {
    if (!api) {
      const known = apis.map((a) => a.version).join(' or ');
      throw new AwsError('InvalidAction', `Version ${version} is not ${known}`);
    }
    const result = await api.perform(action, q);
    // A change's reply waits for its effect and carries its failure, also to
    // the SDK's retry of it (a no-op by then). Reads never wait: a failed
    // reload must not fail every later Describe.
    if (!action.startsWith('Describe')) await api.applied();
    return { status: 200, xml: resultXml(namespaceVersion, action, result) };
  } catch (e) {
    const err =
      e instanceof AwsError
        ? e
        : new AwsError('InternalFailure', e instanceof Error ? e.message : String(e));
    return { status: err.status, xml: errorXml(namespaceVersion, err.code, err.message) };
  }
}

/** Listens on 127.0.0.1:port; a port that is taken rejects (with a sentence) instead of crashing the process. */
function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES'
          ? new SetupError(`port ${port} on 127.0.0.1 is not free for the ELB API (${e.code})`)
          : e,
      );
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** Throws a SetupError unless `port` on 127.0.0.1 can be listened on now: checked before anything starts. */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listenOn(probe, port);
  await new Promise((resolve) => probe.close(resolve));
}

/** The Classic ELB API alone, on `state`. */
export function startElbApi(state: ElbState, listenPort = 0) {
  return startQueryApi([classicElbApi(state)], listenPort);
}
