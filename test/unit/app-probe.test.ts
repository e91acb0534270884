import { createServer, type Server } from 'node:net';
import { openAppProbe, reportedAddress } from '../../harness/probes/app-probe.ts';

describe("an application's answer", () => {
  test('a line, an HTTP body or JSON, each naming the address', () => {
    expect(reportedAddress('10.0.0.5:41234\n')).toEqual({ address: '10.0.0.5', port: 41234 });
    expect(reportedAddress('{"address":"fd00::5","port":80}')).toEqual({
      address: 'fd00::5',
      port: 80,
    });
    expect(reportedAddress('{"address":"10.0.0.5"}')).toEqual({ address: '10.0.0.5', port: null });
    expect(reportedAddress('{"ip":"10.0.0.5"}')).toBeNull();
    expect(reportedAddress('hello\n10.0.0.5')).toBeNull();
  });
});

describe('asking an application who it sees', () => {
  let server: Server;
  let port: number;
  let answer: (socket: import('node:net').Socket) => void;
  beforeAll(async () => {
    server = createServer((socket) => answer(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const ask = async (who: Parameters<typeof openAppProbe>[2]) => {
    const probe = openAppProbe('c', { address: '127.0.0.1', port }, who, undefined, undefined);
    const r = await probe.result;
    await probe.close();
    return r;
  };

  test('the line it writes on connect: its first line', async () => {
    answer = (s) => s.end('[::ffff:10.9.9.9]:4000\nmore\n');
    const r = await ask({ protocol: 'line' });
    expect(r.backend).toEqual({
      host: { address: '::ffff:10.9.9.9', port: 4000 },
      user: null,
      instance: null,
    });
    expect(r.origin?.address).toBe('127.0.0.1');
  });

  test('an HTTP GET: the path asked for, the body read, a non-200 is an error with its status', async () => {
    let asked = '';
    answer = (s) =>
      s.once('data', (d: Buffer) => {
        asked = d.toString();
        s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n10.9.9.9:4000');
      });
    const ok = await ask({ protocol: 'http', path: '/whoami' });
    expect(asked).toMatch(/^GET \/whoami HTTP\/1\.0\r\n/);
    expect(ok.backend?.host).toEqual({ address: '10.9.9.9', port: 4000 });
    answer = (s) => s.once('data', () => s.end('HTTP/1.1 403 Forbidden\r\n\r\nnot you'));
    expect((await ask({ protocol: 'http', path: '/whoami' })).error).toBe('HTTP_403: not you');
  });

  test('closed without a word: CONNECTION_CLOSED, as a refusal looks from the client', async () => {
    answer = (s) => s.end();
    const r = await ask({ protocol: 'line' });
    expect(r).toMatchObject({
      backend: null,
      error: 'CONNECTION_CLOSED: the server closed the connection without a word',
    });
  });

  test('an answer that names no address says what it was', async () => {
    answer = (s) => s.end('hello there\n');
    expect((await ask({ protocol: 'line' })).error).toBe(
      'UNREADABLE: the answer names no address: hello there\n',
    );
  });
});
