import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProbe } from './http-probe';

/** A local server that answers each path with the status the path names: `/status/503`. */
let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/silent') return; // never answers
    const status = Number(/^\/status\/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 404);
    if (status >= 300 && status < 400) res.setHeader('location', '/status/500');
    res.writeHead(status).end('body nobody reads');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

const probe = new HttpProbe();
const at = (path: string, timeoutMs = 2000) => ({ host: '127.0.0.1', port, path, timeoutMs });

describe('HttpProbe', () => {
  it('passes on 2xx and 3xx answers, without following a redirect', async () => {
    await expect(probe.check(at('/status/200'))).resolves.toEqual({
      passed: true,
      detail: 'HTTP 200',
    });
    await expect(probe.check(at('/status/204'))).resolves.toMatchObject({ passed: true });
    await expect(probe.check(at('/status/302'))).resolves.toEqual({
      passed: true,
      detail: 'HTTP 302',
    });
    expect(seen).toEqual(['/status/200', '/status/204', '/status/302']);
  });

  it('fails on 4xx and 5xx answers', async () => {
    await expect(probe.check(at('/status/404'))).resolves.toEqual({
      passed: false,
      detail: 'HTTP 404',
    });
    await expect(probe.check(at('/status/503'))).resolves.toMatchObject({ passed: false });
  });

  it('fails when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      probe.check({ host: '127.0.0.1', port: closedPort, path: '/', timeoutMs: 2000 }),
    ).resolves.toEqual({ passed: false, detail: 'ECONNREFUSED' });
  });

  it('fails when the answer does not come within the timeout', async () => {
    await expect(probe.check(at('/silent', 100))).resolves.toEqual({
      passed: false,
      detail: 'timed out after 100 ms',
    });
  });

  it('gives up when the caller cancels', async () => {
    const cancel = new AbortController();
    const result = probe.check(at('/silent'), cancel.signal);
    cancel.abort();
    await expect(result).resolves.toEqual({ passed: false, detail: 'probe cancelled' });
  });

  it('never connects to a blocked network, named by address or by a host name resolving into it', async () => {
    const guarded = new HttpProbe([
      { address: '127.0.0.0', prefix: 8 },
      { address: '::1', prefix: 128 },
    ]);
    await expect(guarded.check(at('/status/200'))).resolves.toEqual({
      passed: false,
      detail: 'address not allowed',
    });
    await expect(
      guarded.check({ host: 'localhost', port, path: '/status/200', timeoutMs: 2000 }),
    ).resolves.toMatchObject({ passed: false, detail: expect.stringMatching(/not allowed/) });
    expect(seen).toEqual([]);
  });
});
