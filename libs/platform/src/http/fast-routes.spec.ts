import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenError } from '@mcp/protocol';
import { renderMetrics } from '@mcp/telemetry';
import { installFastRoutes, type FastRoute } from './fast-routes';

const served: Record<string, string>[] = [];
const ping: FastRoute = {
  method: 'PUT',
  pattern: '/things/:id/ping',
  match: (path) => {
    const found = /^\/things\/([^/]+)\/ping$/.exec(path);
    return found ? { id: found[1] } : undefined;
  },
  serve: async (req, params) => {
    if (params.id === 'forbidden') throw new ForbiddenError('not yours');
    if (params.id === 'broken') throw new Error('a bug');
    served.push(params);
    return 204;
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  // Stands in for Express: whatever the fast lane does not take must still reach it.
  server = createServer((_req, res) => {
    res.statusCode = 299;
    res.end('framework');
  });
  installFastRoutes(server, [ping]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('installFastRoutes', () => {
  it('serves a matching body-less request itself, with the path parameters', async () => {
    const res = await fetch(`${base}/things/a-1/ping?x=1`, { method: 'PUT' });
    expect(res.status).toBe(204);
    expect(served).toContainEqual({ id: 'a-1' });
  });

  it('hands everything else to the framework: another method, another path, a body', async () => {
    expect((await fetch(`${base}/things/a-1/ping`, { method: 'POST' })).status).toBe(299);
    expect((await fetch(`${base}/things/a-1`, { method: 'PUT' })).status).toBe(299);
    const withBody = await fetch(`${base}/things/a-1/ping`, { method: 'PUT', body: '{}' });
    expect(withBody.status).toBe(299);
  });

  it('answers a domain error as problem+json, and anything else as a bare internal error', async () => {
    const forbidden = await fetch(`${base}/things/forbidden/ping`, { method: 'PUT' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await forbidden.json()).toMatchObject({ status: 403, code: 'forbidden' });

    const broken = await fetch(`${base}/things/broken/ping`, { method: 'PUT' });
    expect(broken.status).toBe(500);
    expect(JSON.stringify(await broken.json())).not.toContain('a bug');
  });

  it('counts its requests under the route pattern, never the raw path', async () => {
    await fetch(`${base}/things/counted-1/ping`, { method: 'PUT' });
    const metrics = (await renderMetrics()).body;
    expect(metrics).toMatch(
      /mcp_http_request_duration_seconds_count\{method="PUT",route="\/things\/:id\/ping",status="204"\} [1-9]/,
    );
    expect(metrics).not.toContain('counted-1');
  });
});
