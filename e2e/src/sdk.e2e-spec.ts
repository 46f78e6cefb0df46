import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { McpClient, type InstanceView } from '@mcp/sdk';
import { freePort } from './support/free-port';
import { SpanCollector } from './support/span-collector';
import { startStack, type Stack } from './support/stack';
import {
  asOperator,
  call,
  createKey,
  instanceIds,
  newTenant,
  type TenantCredential,
} from './support/tenant-api';

let stack: Stack;
const collector = new SpanCollector();
const clients: McpClient[] = [];

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
}, 180000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await stack?.stop();
  await collector.stop();
});

function clientOf(cred: TenantCredential): McpClient {
  const client = new McpClient({ gatewayUrl: stack.adminUrl, apiKey: cred.key });
  clients.push(client);
  return client;
}

/** Polls until `done` holds; answers how long that took (or the timeout, if it never did). */
async function timeUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!(await done()) && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

describe('McpClient.registerInstance', () => {
  it('registers the instance, which then shows up in GET /v1/services', async () => {
    const t = await newTenant(stack);
    const handle = clientOf(t).registerInstance({
      service: 'sdk-api',
      instanceId: 'api-1',
      host: '127.0.0.1',
      port: 9001,
      labels: { env: 'dev' },
    });
    await expect(handle.ready()).resolves.toMatchObject({ instanceId: 'api-1', revision: 1 });
    expect(handle.state).toBe('registered');
    const services = await (await call(stack, t, 'GET', '/v1/services')).json();
    expect(services).toMatchObject({ items: [{ name: 'sdk-api', instances: 1, healthy: 1 }] });
  });

  it('keeps a 2 s lease alive for 6 s by heartbeating', async () => {
    const t = await newTenant(stack);
    const handle = clientOf(t).registerInstance({
      service: 'sdk-beat',
      instanceId: 'b-1',
      host: '127.0.0.1',
      port: 9002,
      ttlSeconds: 2,
    });
    await handle.ready();
    const states: string[] = [];
    handle.on('state', (s) => states.push(s));
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      expect(await instanceIds(stack, t, 'sdk-beat')).toEqual(['b-1']);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(states).not.toContain('registering'); // the lease was never lost
  });

  it('registers again within one TTL after the instance is deleted behind its back', async () => {
    const t = await newTenant(stack);
    const handle = clientOf(t).registerInstance({
      service: 'sdk-lost',
      instanceId: 'l-1',
      host: '127.0.0.1',
      port: 9003,
      ttlSeconds: 2,
    });
    const first = await handle.ready();
    const again = new Promise<{ at: number; instance: InstanceView }>((resolve) =>
      handle.once('registered', (instance) => resolve({ at: Date.now(), instance })),
    );
    expect((await call(stack, t, 'DELETE', '/v1/services/sdk-lost/instances/l-1')).status).toBe(
      204,
    );
    const deletedAt = Date.now();

    const registered = await again;
    expect(registered.at - deletedAt).toBeLessThan(2000);
    expect(Date.parse(registered.instance.registeredAt)).toBeGreaterThan(
      Date.parse(first.registeredAt),
    );
    expect(await instanceIds(stack, t, 'sdk-lost')).toEqual(['l-1']);
    expect(handle.state).toBe('registered');
  });

  it('deregisters on close()', async () => {
    const t = await newTenant(stack);
    const handle = clientOf(t).registerInstance({
      service: 'sdk-close',
      instanceId: 'c-1',
      host: '127.0.0.1',
      port: 9004,
      ttlSeconds: 30,
    });
    await handle.ready();
    expect(await instanceIds(stack, t, 'sdk-close')).toEqual(['c-1']);
    await handle.close();
    expect(handle.state).toBe('closed');
    expect(await instanceIds(stack, t, 'sdk-close')).toEqual([]);
  });
});

describe('McpClient.discover', () => {
  it('sees another instance appear and disappear within a second', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/sdk-disc/instances/d-0', {
      host: '10.0.0.1',
      port: 80,
    });
    const discovery = await clientOf(t).discover('sdk-disc');
    expect(discovery.instances().map((i) => i.instanceId)).toEqual(['d-0']);
    const changes: string[][] = [];
    discovery.on('change', (list) => changes.push(list.map((i) => i.instanceId)));

    const has = (id: string) => discovery.instances().some((i) => i.instanceId === id);
    expect(
      (
        await call(stack, t, 'PUT', '/v1/services/sdk-disc/instances/d-1', {
          host: '10.0.0.2',
          port: 80,
          weight: 5,
        })
      ).status,
    ).toBe(201);
    expect(await timeUntil(() => has('d-1'), 5000)).toBeLessThan(1000);

    expect((await call(stack, t, 'DELETE', '/v1/services/sdk-disc/instances/d-1')).status).toBe(
      204,
    );
    expect(await timeUntil(() => !has('d-1'), 5000)).toBeLessThan(1000);
    expect(changes).toEqual([['d-0', 'd-1'], ['d-0']]);
    expect(discovery.pick()?.instanceId).toBe('d-0');
    await discovery.close();
  });

  it('filters by label selector and sees an instance leave the selection when its labels change', async () => {
    const t = await newTenant(stack);
    const discovery = await clientOf(t).discover('sdk-sel', { selector: 'env=prod' });
    expect(discovery.instances()).toEqual([]);
    await call(stack, t, 'PUT', '/v1/services/sdk-sel/instances/p-1', {
      host: 'h',
      port: 1,
      labels: { env: 'prod' },
    });
    await call(stack, t, 'PUT', '/v1/services/sdk-sel/instances/d-1', {
      host: 'h',
      port: 2,
      labels: { env: 'dev' },
    });
    const ids = () => discovery.instances().map((i) => i.instanceId);
    await timeUntil(() => ids().length === 1, 5000);
    expect(ids()).toEqual(['p-1']);
    await call(stack, t, 'PUT', '/v1/services/sdk-sel/instances/p-1', {
      host: 'h',
      port: 1,
      labels: { env: 'dev' },
    });
    expect(await timeUntil(() => ids().length === 0, 5000)).toBeLessThan(1000);
  });
});

describe('tools/demo', () => {
  it('runs demo-hello: it makes its tenant (already there is fine), registers, discovers itself and deregisters on SIGINT', async () => {
    // The tenant may exist already; ensureDemoTenant must take the 409 in its stride.
    await asOperator(stack, 'POST', '/v1/tenants', { id: 'demo', name: 'Demo' });
    const { key } = await createKey(stack, 'demo', ['registry:read'], 'e2e reader');
    const demoTenant = { tenant: 'demo', key };

    const root = resolve(__dirname, '../..');
    const port = await freePort();
    const demo = spawn(
      join(root, 'node_modules/.bin/tsx'),
      ['--tsconfig', 'tsconfig.base.json', 'tools/demo/main.ts'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          MCP_GATEWAY_URL: stack.adminUrl,
          MCP_ADMIN_KEY: stack.adminKey,
          DEMO_PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => demo.once('exit', (code) => done(code)));
    try {
      const ids = () => instanceIds(stack, demoTenant, 'demo-hello');
      const ours = async () => (await ids()).some((id) => id.endsWith(`-${port}`));
      await timeUntil(ours, 30000);
      expect(await ours()).toBe(true);
      const listed = await call(
        stack,
        demoTenant,
        'GET',
        '/v1/services/demo-hello/instances?selector=env=dev',
      );
      expect(
        ((await listed.json()) as { items: InstanceView[] }).items.find((i) => i.port === port),
      ).toMatchObject({ host: '127.0.0.1', labels: { env: 'dev' } });
      // It answers with the peers its discovery cache holds: itself at least.
      await timeUntil(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
        const body = res ? ((await res.json()) as { peers: string[] }) : { peers: [] };
        return body.peers.includes(`127.0.0.1:${port}`);
      }, 5000);
      const answer = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as {
        service: string;
        peers: string[];
      };
      expect(answer.service).toBe('demo-hello');
      expect(answer.peers).toContain(`127.0.0.1:${port}`);

      demo.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await ours()).toBe(false);
    } catch (error) {
      throw new Error(`${String(error)}\ndemo output:\n${output}`);
    } finally {
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  });
});
