import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { freePort } from './support/free-port';
import { header, kafkaClient, readTopic } from './support/kafka-reading';
import { until } from './support/polling';
import { SpanCollector } from './support/span-collector';
import { startStack, type Stack } from './support/stack';
import { call, createKey, expectProblem, instancesOf, newTenant } from './support/tenant-api';

let stack: Stack;
const collector = new SpanCollector();

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
}, 180000);

afterAll(async () => {
  await stack?.stop();
  await collector.stop();
});

describe('registration and discovery', () => {
  it('registers with 201, repeats idempotently with 200, and updates with a new revision', async () => {
    const t = await newTenant(stack);
    const body = { host: '10.0.0.1', port: 8080, labels: { env: 'prod' }, ttlSeconds: 30 };
    const first = await call(stack, t, 'PUT', '/v1/services/orders/instances/o-1', body);
    expect(first.status).toBe(201);
    const created = (await first.json()) as {
      instance: { revision: number };
      leaseExpiresAt: string;
    };
    expect(created.instance.revision).toBe(1);
    expect(Date.parse(created.leaseExpiresAt)).toBeGreaterThan(Date.now());

    const again = await call(stack, t, 'PUT', '/v1/services/orders/instances/o-1', body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { instance: { revision: number } }).instance.revision).toBe(1);

    const moved = await call(stack, t, 'PUT', '/v1/services/orders/instances/o-1', {
      ...body,
      port: 9090,
    });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ instance: { port: 9090, revision: 2 } });
  });

  it('lists services with counts and filters instances by label selector and health', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/api/instances/a-1', {
      host: 'h1',
      port: 1,
      labels: { env: 'prod', version: 'v1' },
    });
    await call(stack, t, 'PUT', '/v1/services/api/instances/a-2', {
      host: 'h2',
      port: 2,
      labels: { env: 'prod', version: 'v2' },
    });
    await call(stack, t, 'PUT', '/v1/services/api/instances/a-3', {
      host: 'h3',
      port: 3,
      labels: { env: 'dev' },
    });

    const services = await call(stack, t, 'GET', '/v1/services');
    expect(await services.json()).toMatchObject({
      items: [{ name: 'api', instances: 3, healthy: 3 }],
    });

    const ids = async (q: string) =>
      (await instancesOf(stack, t, 'api', q)).map((i) => i.instanceId);
    expect(await ids('?selector=env=prod,version!=v1')).toEqual(['a-2']);
    expect(await ids('?selector=' + encodeURIComponent('version in (v1,v2)'))).toEqual([
      'a-1',
      'a-2',
    ]);
    expect(await ids('?selector=!version&healthy=true')).toEqual(['a-3']);
  });

  it('publishes every change as a CloudEvent keyed by tenant/service and keeps a compacted state entry per instance, tombstoned on removal', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/billing/instances/b-1', { host: 'h', port: 1 });
    await call(stack, t, 'PUT', '/v1/services/billing/instances/b-1', { host: 'h', port: 2 });
    expect((await call(stack, t, 'DELETE', '/v1/services/billing/instances/b-1')).status).toBe(204);

    const mine = (m: KafkaMessage) => header(m, 'ce_tenant') === t.tenant;
    const events = (
      await readTopic('mcp.registry.events', (ms) => ms.filter(mine).length >= 3)
    ).filter(mine);
    expect(events.map((m) => header(m, 'ce_type'))).toEqual([
      'mcp.registry.instance.registered.v1',
      'mcp.registry.instance.updated.v1',
      'mcp.registry.instance.deregistered.v1',
    ]);
    expect(events.every((m) => m.key?.toString() === `${t.tenant}/billing`)).toBe(true);

    const stateKey = `${t.tenant}/billing/b-1`;
    const state = (
      await readTopic('mcp.registry.instances', (ms) =>
        ms.some((m) => m.key?.toString() === stateKey && m.value === null),
      )
    ).filter((m) => m.key?.toString() === stateKey);
    expect(state.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(state[1].value?.toString() ?? '{}')).toMatchObject({ instance: { port: 2 } });
    expect(state[state.length - 1].value).toBeNull();
  });
});

describe('leases', () => {
  it('removes an instance whose lease is not renewed within its TTL, with an expired event', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/jobs/instances/j-1', {
      host: 'h',
      port: 1,
      ttlSeconds: 1,
    });
    const registeredAt = Date.now();
    const left = await until(
      () => instancesOf(stack, t, 'jobs'),
      (items) => items.length === 0,
      10000,
    );
    expect(left).toEqual([]);
    // TTL + 1 s, plus the round trips of this poll.
    expect(Date.now() - registeredAt).toBeLessThan(2500);
    const expired = await readTopic('mcp.registry.events', (ms) =>
      ms.some(
        (m) =>
          header(m, 'ce_tenant') === t.tenant &&
          header(m, 'ce_type') === 'mcp.registry.instance.expired.v1',
      ),
    );
    expect(
      expired.some(
        (m) =>
          header(m, 'ce_type') === 'mcp.registry.instance.expired.v1' &&
          header(m, 'ce_tenant') === t.tenant,
      ),
    ).toBe(true);
    // The lease is gone: a heartbeat says so, and the client registers again.
    await expectProblem(
      await call(stack, t, 'PUT', '/v1/services/jobs/instances/j-1/heartbeat'),
      404,
      'not_found',
    );
  });

  it('keeps an instance that heartbeats alive well past its TTL', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/web/instances/w-1', {
      host: 'h',
      port: 1,
      ttlSeconds: 2,
    });
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      expect((await call(stack, t, 'PUT', '/v1/services/web/instances/w-1/heartbeat')).status).toBe(
        204,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await instancesOf(stack, t, 'web')).map((i) => i.instanceId)).toEqual(['w-1']);
  });

  it('writes the heartbeat of a known instance straight onto the lease stream, in the request trace', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/fast/instances/f-1', { host: 'h', port: 1 });
    const direct = async () => {
      const text = await (await fetch(`${stack.adminUrl}/metrics`)).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('mcp_gateway_heartbeats_total{path="direct"}'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    // The gateway learns of the instance from the state topic a moment after registration;
    // until then it asks the registry, which also answers 204.
    let traceId: string | null = null;
    let before = 0;
    const counted = await until(
      async () => {
        before = await direct();
        const res = await call(stack, t, 'PUT', '/v1/services/fast/instances/f-1/heartbeat');
        expect(res.status).toBe(204);
        traceId = res.headers.get('x-trace-id');
        return (await direct()) - before;
      },
      (delta) => delta === 1,
      10000,
    );
    expect(counted).toBe(1);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // Request metrics label the route pattern, never the tenant's names.
    const metrics = await (await fetch(`${stack.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /mcp_http_request_duration_seconds_count\{method="PUT",route="\/v1\/services\/:service\/instances\/:instanceId\/heartbeat",status="204"\} [1-9]/,
    );
    expect(metrics).not.toContain('f-1');

    const renewals = await readTopic('mcp.registry.leases', (ms) =>
      ms.some((m) => header(m, 'traceparent')?.split('-')[1] === traceId),
    );
    const renewal = renewals.find((m) => header(m, 'traceparent')?.split('-')[1] === traceId);
    expect(renewal && header(renewal, 'ce_type')).toBe('mcp.registry.lease.renewed.v1');
    expect(renewal && header(renewal, 'ce_tenant')).toBe(t.tenant);
    expect(JSON.parse(String(renewal?.value))).toEqual({
      tenant: t.tenant,
      service: 'fast',
      instanceId: 'f-1',
    });
  });
});

describe('heartbeat refusals', () => {
  it('refuses a heartbeat without a usable key, scope or address with the same problems as every route', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/refused/instances/r-1', { host: 'h', port: 1 });
    const beat = (authorization: string | undefined, path = 'refused/instances/r-1') =>
      fetch(`${stack.adminUrl}/v1/services/${path}/heartbeat`, {
        method: 'PUT',
        headers: authorization ? { authorization } : {},
      });

    const missing = await beat(undefined);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    await expectProblem(missing, 401, 'unauthorized');
    await expectProblem(await beat('Bearer mcp_nope_nope'), 401, 'unauthorized');
    await expectProblem(await beat(`Bearer ${stack.adminKey}`), 401, 'unauthorized');

    const { key: readKey } = await createKey(stack, t.tenant, ['registry:read'], 'reader');
    await expectProblem(await beat(`Bearer ${readKey}`), 403, 'forbidden');

    await expectProblem(
      await beat(`Bearer ${t.key}`, 'Not_A_Service/instances/r-1'),
      400,
      'invalid_input',
    );
    await expectProblem(await beat(`Bearer ${t.key}`, 'refused/instances/r-2'), 404, 'not_found');
    expect((await beat(`Bearer ${t.key}`)).status).toBe(204);
  });
});

describe('tenant walls', () => {
  it("answers another tenant's services as if they did not exist", async () => {
    const a = await newTenant(stack);
    const b = await newTenant(stack);
    await call(stack, a, 'PUT', '/v1/services/secret/instances/s-1', { host: 'h', port: 1 });

    expect(await (await call(stack, b, 'GET', '/v1/services')).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    await expectProblem(
      await call(stack, b, 'GET', '/v1/services/secret/instances'),
      404,
      'not_found',
    );
    await expectProblem(
      await call(stack, b, 'DELETE', '/v1/services/secret/instances/s-1'),
      404,
      'not_found',
    );
    await expectProblem(
      await call(stack, b, 'PUT', '/v1/services/secret/instances/s-1/heartbeat'),
      404,
      'not_found',
    );
    // B registering the same names creates B's own instance and leaves A's untouched.
    expect(
      (await call(stack, b, 'PUT', '/v1/services/secret/instances/s-1', { host: 'evil', port: 2 }))
        .status,
    ).toBe(201);
    expect(await instancesOf(stack, a, 'secret')).toEqual([
      expect.objectContaining({ instanceId: 's-1', host: 'h' }),
    ]);
  });
});

describe('bad input', () => {
  it('rejects unknown fields, wrong types, out-of-range ports, huge bodies and bad selectors with problem+json, storing nothing', async () => {
    const t = await newTenant(stack);
    const path = '/v1/services/strict/instances/x-1';
    await expectProblem(
      await call(stack, t, 'PUT', path, { host: 'h', port: 1, color: 'red' }),
      400,
      'invalid_input',
    );
    await expectProblem(
      await call(stack, t, 'PUT', path, { host: 'h', port: '80' }),
      400,
      'invalid_input',
    );
    await expectProblem(
      await call(stack, t, 'PUT', path, { host: 'h', port: 0 }),
      400,
      'invalid_input',
    );
    await expectProblem(
      await call(stack, t, 'PUT', path, { host: 'h', port: 70000 }),
      400,
      'invalid_input',
    );
    await expectProblem(
      await call(stack, t, 'PUT', path, '{"host": "h", "port": 1'),
      400,
      'invalid_input',
    );
    await expectProblem(
      await call(stack, t, 'PUT', path, {
        host: 'h',
        port: 1,
        labels: { big: 'x'.repeat(10 * 1024 * 1024) },
      }),
      413,
      'payload_too_large',
    );
    await expectProblem(
      await call(stack, t, 'PUT', '/v1/services/Not_Valid!/instances/x', { host: 'h', port: 1 }),
      400,
      'invalid_input',
    );
    await call(stack, t, 'PUT', '/v1/services/strict/instances/ok-1', { host: 'h', port: 1 });
    await expectProblem(
      await call(stack, t, 'GET', '/v1/services/strict/instances?selector=env%20in%20(a'),
      400,
      'invalid_input',
    );
    expect((await instancesOf(stack, t, 'strict')).map((i) => i.instanceId)).toEqual(['ok-1']);
  });

  it('parks a malformed record on the lease stream in its dead-letter topic and keeps the partition flowing', async () => {
    const t = await newTenant(stack);
    await call(stack, t, 'PUT', '/v1/services/dlq/instances/d-1', {
      host: 'h',
      port: 1,
      ttlSeconds: 2,
    });
    // Heartbeats keep going throughout: they only keep the 2 s lease alive if the lease keeper
    // consumes past the bad record, which shares their partition.
    const statuses: number[] = [];
    let beating = true;
    const heartbeats = (async () => {
      while (beating) {
        statuses.push(
          (await call(stack, t, 'PUT', '/v1/services/dlq/instances/d-1/heartbeat')).status,
        );
        await new Promise((r) => setTimeout(r, 400));
      }
    })();

    const producer = kafkaClient('e2e-registry').producer();
    await producer.connect();
    const marker = randomUUID();
    await producer.send({
      topic: 'mcp.registry.leases',
      messages: [
        {
          key: `${t.tenant}/dlq`,
          value: `not json ${marker}`,
          headers: { 'content-type': 'application/json' },
        },
      ],
    });
    await producer.disconnect();
    const sentAt = Date.now();

    const parked = await readTopic('mcp.registry.leases.dlq', (ms) =>
      ms.some((m) => m.value?.toString().includes(marker)),
    );
    const record = parked.find((m) => m.value?.toString().includes(marker));
    expect(record).toBeDefined();
    expect(header(record as KafkaMessage, 'mcp_dlq_reason')).toMatch(/.+/);

    // Well past two TTLs after the bad record, the instance is still there.
    await new Promise((r) => setTimeout(r, Math.max(0, sentAt + 5000 - Date.now())));
    beating = false;
    await heartbeats;
    expect(statuses.every((s) => s === 204)).toBe(true);
    expect((await instancesOf(stack, t, 'dlq')).map((i) => i.instanceId)).toEqual(['d-1']);
  });
});
