import { randomBytes, randomUUID } from 'node:crypto';
import { freePort } from './support/free-port';
import { header, readTopic } from './support/kafka-reading';
import { SpanCollector } from './support/span-collector';
import { startGatewayReplica, startStack, type GatewayReplica, type Stack } from './support/stack';
import {
  createKey,
  createTenant,
  expectProblem,
  gatewayRequest,
  type CreatedKey,
} from './support/tenant-api';

/** Tenant API keys through two gateway replicas sharing Kafka and Postgres. */

let stack: Stack;
let replica2: GatewayReplica;
let replica2Exit: number | null | undefined;
const collector = new SpanCollector();

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
  replica2 = await startGatewayReplica(stack);
}, 180000);

afterAll(async () => {
  replica2Exit = replica2Exit ?? (await replica2?.stop());
  await stack?.stop();
  await collector.stop();
});

const replica1 = (method: string, path: string, key: string | null, body?: unknown) =>
  gatewayRequest(stack.adminUrl, method, path, key, body);
const onReplica2 = (method: string, path: string, key: string | null, body?: unknown) =>
  gatewayRequest(replica2.adminUrl, method, path, key, body);

const newTenant = () => createTenant(stack, 'keys');

describe('creating and listing keys', () => {
  it('shows the secret once, in the answer to the create, and never in a list', async () => {
    const tenant = await newTenant();
    const res = await replica1('POST', `/v1/tenants/${tenant}/keys`, stack.adminKey, {
      name: 'deploy bot',
      scopes: ['registry:write', 'registry:read'],
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreatedKey;
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      key: expect.stringMatching(/^mcp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/),
      name: 'deploy bot',
      scopes: ['registry:write', 'registry:read'],
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(created.key.startsWith(`mcp_${created.id}_`)).toBe(true);
    const secret = created.key.slice(`mcp_${created.id}_`.length);

    const admin = await createKey(stack, tenant, ['admin']);
    for (const [list, by] of [
      [replica1, stack.adminKey],
      [onReplica2, admin.key],
    ] as const) {
      const listed = await list('GET', `/v1/tenants/${tenant}/keys`, by);
      expect(listed.status).toBe(200);
      const text = await listed.text();
      expect(text).not.toContain(secret);
      expect(text).not.toContain(admin.key);
      const page = JSON.parse(text) as { items: Record<string, unknown>[]; nextCursor: null };
      expect(page.nextCursor).toBeNull();
      expect(page.items).toHaveLength(2);
      expect(page.items).toEqual(
        expect.arrayContaining([
          {
            id: created.id,
            name: 'deploy bot',
            scopes: created.scopes,
            createdAt: created.createdAt,
          },
          { id: admin.id, name: 'e2e', scopes: ['admin'], createdAt: admin.createdAt },
        ]),
      );
    }
  });

  it('pages through a tenant’s keys with limit and cursor', async () => {
    const tenant = await newTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createKey(stack, tenant, ['config:read'])).id);
    const first = await replica1('GET', `/v1/tenants/${tenant}/keys?limit=2`, stack.adminKey);
    const page1 = (await first.json()) as { items: { id: string }[]; nextCursor: string };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await replica1(
      'GET',
      `/v1/tenants/${tenant}/keys?limit=2&cursor=${page1.nextCursor}`,
      stack.adminKey,
    );
    const page2 = (await second.json()) as { items: { id: string }[]; nextCursor: null };
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const seen = [...page1.items, ...page2.items].map((k) => k.id);
    expect(seen.sort()).toEqual([...ids].sort());
    await expectProblem(
      await replica1('GET', `/v1/tenants/${tenant}/keys?cursor=bogus`, stack.adminKey),
      400,
      'invalid_input',
    );
  });

  it('lets a tenant’s admin key manage that tenant’s keys on either replica', async () => {
    const tenant = await newTenant();
    const admin = await createKey(stack, tenant, ['admin']);
    const res = await onReplica2('POST', `/v1/tenants/${tenant}/keys`, admin.key, {
      name: 'made by the tenant',
      scopes: ['tasks:read'],
    });
    expect(res.status).toBe(201);
    const made = (await res.json()) as CreatedKey;
    expect((await replica1('GET', `/v1/tenants/${tenant}/keys`, made.key)).status).toBe(403);
    expect(
      (await replica1('DELETE', `/v1/tenants/${tenant}/keys/${made.id}`, admin.key)).status,
    ).toBe(204);
  });
});

describe('revocation', () => {
  it('is refused by the other replica within 1 s of the DELETE returning', async () => {
    const tenant = await newTenant();
    const doomed = await createKey(stack, tenant, ['admin']);
    const path = `/v1/tenants/${tenant}/keys`;
    // Both replicas have admitted the key, so each holds it in its cache.
    expect((await replica1('GET', path, doomed.key)).status).toBe(200);
    expect((await onReplica2('GET', path, doomed.key)).status).toBe(200);
    expect((await onReplica2('GET', path, doomed.key)).status).toBe(200);

    const revoked = await replica1('DELETE', `${path}/${doomed.id}`, stack.adminKey);
    expect(revoked.status).toBe(204);
    const revokedAt = Date.now();

    let status = 200;
    let flippedAfterMs = Number.POSITIVE_INFINITY;
    while (Date.now() - revokedAt < 3000) {
      status = (await onReplica2('GET', path, doomed.key)).status;
      if (status === 401) {
        flippedAfterMs = Date.now() - revokedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    expect(flippedAfterMs).toBeLessThanOrEqual(1000);
    console.log(`revocation reached replica 2 after ${flippedAfterMs} ms`);

    await expectProblem(await replica1('GET', path, doomed.key), 401, 'unauthorized');
    const listed = (await (await replica1('GET', path, stack.adminKey)).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((k) => k.id)).not.toContain(doomed.id);
    // Revoking again changes nothing and still succeeds; a key that never existed is 404.
    expect((await onReplica2('DELETE', `${path}/${doomed.id}`, stack.adminKey)).status).toBe(204);
    await expectProblem(
      await replica1('DELETE', `${path}/0000000000000000`, stack.adminKey),
      404,
      'not_found',
    );
  });

  it('announces created and revoked keys on Kafka, keyed by tenant, without secret or hash', async () => {
    const tenant = await newTenant();
    const key = await createKey(stack, tenant, ['worker']);
    expect(
      (await replica1('DELETE', `/v1/tenants/${tenant}/keys/${key.id}`, stack.adminKey)).status,
    ).toBe(204);
    const messages = await readTopic(
      'mcp.gateway.events',
      (seen) =>
        seen.filter(
          (m) => m.key?.toString() === tenant && header(m, 'ce_type')?.includes('api-key'),
        ).length >= 2,
    );
    const keyEvents = messages.filter(
      (m) => m.key?.toString() === tenant && header(m, 'ce_type')?.includes('api-key'),
    );
    expect(keyEvents.map((m) => header(m, 'ce_type'))).toEqual([
      'mcp.gateway.api-key.created.v1',
      'mcp.gateway.api-key.revoked.v1',
    ]);
    const secret = key.key.slice(`mcp_${key.id}_`.length);
    for (const message of keyEvents) {
      expect(header(message, 'ce_tenant')).toBe(tenant);
      const value = message.value?.toString() ?? '';
      expect(JSON.parse(value)).toEqual({
        keyId: key.id,
        tenant,
        name: 'e2e',
        scopes: ['worker'],
        time: expect.any(String),
      });
      expect(value).not.toContain(secret);
    }
  });
});

describe('walls between tenants', () => {
  it('answers 404 when tenant A’s admin key lists, creates or revokes tenant B’s keys', async () => {
    const tenantA = await newTenant();
    const tenantB = await newTenant();
    const adminA = await createKey(stack, tenantA, ['admin']);
    const keyB = await createKey(stack, tenantB, ['registry:read']);

    const asA = [
      await replica1('GET', `/v1/tenants/${tenantB}/keys`, adminA.key),
      await onReplica2('POST', `/v1/tenants/${tenantB}/keys`, adminA.key, {
        name: 'intruder',
        scopes: ['admin'],
      }),
      await replica1('DELETE', `/v1/tenants/${tenantB}/keys/${keyB.id}`, adminA.key),
    ];
    const unknownTenant = `nobody-${randomUUID().slice(0, 8)}`;
    const problems = [];
    for (const res of asA) problems.push(await expectProblem(res, 404, 'not_found'));
    // Tenant B looks exactly like a tenant that does not exist.
    const missing = await expectProblem(
      await replica1('GET', `/v1/tenants/${unknownTenant}/keys`, adminA.key),
      404,
      'not_found',
    );
    expect(String(missing.detail).replace(unknownTenant, 'X')).toBe(
      String(problems[0].detail).replace(tenantB, 'X'),
    );
    await expectProblem(
      await replica1('GET', `/v1/tenants/${unknownTenant}/keys`, stack.adminKey),
      404,
      'not_found',
    );

    // B's key still works and B has no key called "intruder".
    const listB = (await (
      await replica1('GET', `/v1/tenants/${tenantB}/keys`, stack.adminKey)
    ).json()) as { items: { id: string; name: string }[] };
    expect(listB.items).toEqual([expect.objectContaining({ id: keyB.id })]);
  });
});

describe('refusals', () => {
  it('answers 403 forbidden to a key of the tenant that lacks the scope', async () => {
    const tenant = await newTenant();
    const reader = await createKey(stack, tenant, ['registry:read', 'config:write']);
    for (const res of [
      await replica1('GET', `/v1/tenants/${tenant}/keys`, reader.key),
      await onReplica2('POST', `/v1/tenants/${tenant}/keys`, reader.key, {
        name: 'escalate',
        scopes: ['admin'],
      }),
      await replica1('DELETE', `/v1/tenants/${tenant}/keys/${reader.id}`, reader.key),
    ]) {
      await expectProblem(res, 403, 'forbidden');
    }
  });

  it('answers 401 to a missing, malformed, unknown or wrong bearer', async () => {
    const tenant = await newTenant();
    const real = await createKey(stack, tenant, ['admin']);
    const path = `/v1/tenants/${tenant}/keys`;
    const unknown = `mcp_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const wrongSecret = `mcp_${real.id}_${randomBytes(32).toString('base64url')}`;
    for (const key of [null, 'garbage', `${real.key}x`, unknown, wrongSecret]) {
      const res = await onReplica2('GET', path, key);
      const problem = await expectProblem(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.stringify(problem)).not.toContain(real.key.slice(-43));
    }
    const basic = await fetch(`${stack.adminUrl}${path}`, {
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    await expectProblem(basic, 401, 'unauthorized');
  });

  it('rejects unknown fields, unknown scopes and a missing name with 400 and creates nothing', async () => {
    const tenant = await newTenant();
    const path = `/v1/tenants/${tenant}/keys`;
    for (const body of [
      { name: 'x', scopes: ['admin'], expiresAt: '2030-01-01T00:00:00Z' },
      { name: 'x', scopes: ['root'] },
      { scopes: ['admin'] },
      { name: 'x', scopes: [] },
    ]) {
      await expectProblem(await replica1('POST', path, stack.adminKey, body), 400, 'invalid_input');
    }
    const listed = (await (await replica1('GET', path, stack.adminKey)).json()) as {
      items: unknown[];
    };
    expect(listed.items).toEqual([]);
  });
});

describe('the second replica', () => {
  it('stops cleanly on SIGTERM, leaving its consumer group', async () => {
    replica2Exit = await replica2.stop();
    expect(replica2Exit).toBe(0);
  });
});
