import { Controller, Get, Module, Put, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { ProblemDetailsFilter, SERVICE_LOGGER } from '@mcp/platform';
import { createLogger } from '@mcp/telemetry';
import { GATEWAY_CONFIG, loadGatewayConfig } from '../gateway.config';
import { TenantAuthenticator } from './tenant-authenticator';
import { ApiKeyCache, type StoredApiKey } from './api-key.cache';
import { issueApiKey, type IssuedApiKey } from './api-key-token';
import type { CallerIdentity } from './caller-identity';
import { CredentialGuard } from './credential.guard';
import { Caller, RequireScopes, TenantFromPath } from './require-scopes.decorator';
import type { ApiKeyScope } from '@mcp/protocol';

const OPERATOR_KEY = 'operator-key-for-guard-tests';

@Controller('v1/things')
@RequireScopes('registry:read')
class ThingsController {
  @Get()
  read(@Caller() caller: CallerIdentity) {
    return caller;
  }

  @Put()
  @RequireScopes('registry:write')
  write(@Caller() caller: CallerIdentity) {
    return caller;
  }
}

@Controller('v1/tenants/:tenant/stuff')
@TenantFromPath('tenant')
@RequireScopes('admin')
class TenantStuffController {
  @Get()
  list() {
    return { ok: true };
  }
}

@Controller('v1/open')
class OpenController {
  @Get()
  open() {
    return { ok: true };
  }
}

/** The guard in a real Nest app over HTTP; the key store is a Map instead of Postgres. */
describe('CredentialGuard', () => {
  const rows = new Map<string, StoredApiKey>();
  let app: INestApplication;
  let baseUrl: string;

  function key(tenant: string, scopes: ApiKeyScope[], revoked = false): IssuedApiKey {
    const issued = issueApiKey();
    rows.set(issued.keyId, {
      keyId: issued.keyId,
      tenant,
      scopes,
      secretSha256: issued.secretSha256,
      revoked,
    });
    return issued;
  }

  async function get(path: string, token?: string, method = 'GET') {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    @Module({
      controllers: [ThingsController, TenantStuffController, OpenController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: loadGatewayConfig({ MCP_ADMIN_KEY: OPERATOR_KEY }) },
        { provide: SERVICE_LOGGER, useValue: createLogger({ service: 'test', level: 'silent' }) },
        {
          provide: ApiKeyCache,
          useFactory: () => {
            const cache = new ApiKeyCache({ load: async (keyId) => rows.get(keyId) });
            cache.markLive();
            return cache;
          },
        },
        TenantAuthenticator,
        { provide: APP_GUARD, useClass: CredentialGuard },
      ],
    })
    class GuardTestModule {}

    const moduleRef = await Test.createTestingModule({ imports: [GuardTestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('puts the tenant, key id and granted scopes of a valid key on the request', async () => {
    const reader = key('acme', ['registry:read']);
    expect(await get('/v1/things', reader.token)).toEqual({
      status: 200,
      body: { tenant: 'acme', keyId: reader.keyId, scopes: ['registry:read'] },
    });
  });

  it("lets a handler's scopes replace its controller's", async () => {
    const reader = key('acme', ['registry:read']);
    const writer = key('acme', ['registry:write']);
    expect((await get('/v1/things', reader.token, 'PUT')).status).toBe(403);
    expect((await get('/v1/things', writer.token, 'PUT')).status).toBe(200);
  });

  it('admits an admin key everywhere in its tenant', async () => {
    const admin = key('acme', ['admin']);
    expect((await get('/v1/things', admin.token)).status).toBe(200);
    expect((await get('/v1/things', admin.token, 'PUT')).status).toBe(200);
  });

  it('answers 403 forbidden naming the missing scope', async () => {
    const other = key('acme', ['config:read']);
    const { status, body } = await get('/v1/things', other.token);
    expect(status).toBe(403);
    expect(body).toMatchObject({ code: 'forbidden' });
    expect(body.detail).toContain('registry:read');
  });

  it('answers 401 to no key, a malformed key, a revoked key and a wrong secret', async () => {
    const revoked = key('acme', ['admin'], true);
    const real = key('acme', ['admin']);
    const wrongSecret = `mcp_${real.keyId}_${issueApiKey().secret}`;
    for (const token of [undefined, 'nonsense', revoked.token, wrongSecret]) {
      const { status, body } = await get('/v1/things', token);
      expect([status, body.code]).toEqual([401, 'unauthorized']);
    }
  });

  it('does not take the operator key as a tenant credential', async () => {
    const { status, body } = await get('/v1/things', OPERATOR_KEY);
    expect(status).toBe(401);
    expect(body.detail).toMatch(/operator key is not a tenant credential/);
  });

  it('lets the operator act on any tenant named in the path', async () => {
    expect((await get('/v1/tenants/acme/stuff', OPERATOR_KEY)).status).toBe(200);
    expect((await get('/v1/tenants/globex/stuff', OPERATOR_KEY)).status).toBe(200);
  });

  it("answers 404, not 403, to a key of another tenant, even one lacking the route's scope", async () => {
    const acmeReader = key('acme', ['registry:read']);
    const acmeAdmin = key('acme', ['admin']);
    for (const token of [acmeReader.token, acmeAdmin.token]) {
      const { status, body } = await get('/v1/tenants/globex/stuff', token);
      expect([status, body.code]).toEqual([404, 'not_found']);
    }
    expect((await get('/v1/tenants/acme/stuff', acmeReader.token)).status).toBe(403);
    expect((await get('/v1/tenants/acme/stuff', acmeAdmin.token)).status).toBe(200);
  });

  it('leaves routes without @RequireScopes to their own guards', async () => {
    expect((await get('/v1/open')).status).toBe(200);
  });
});
