import { CreateTenantBody, ListTenantsQuery, SystemStatusView, TenantId } from './http';

describe('TenantId', () => {
  it.each(['acme', 'a1', 'acme-prod', '0day', 'a'.repeat(63)])('accepts %s', (id) => {
    expect(TenantId.safeParse(id).success).toBe(true);
  });

  it.each(['a', 'Acme', '-acme', 'acme_prod', 'acme prod', 'a'.repeat(64), ''])(
    'rejects "%s"',
    (id) => {
      expect(TenantId.safeParse(id).success).toBe(false);
    },
  );

  it('explains what a tenant id must look like', () => {
    const result = TenantId.safeParse('Acme');
    expect(result.error?.issues[0].message).toMatch(/lowercase letters, digits and "-"/);
  });
});

describe('CreateTenantBody', () => {
  it('accepts an id and a name, trimming the name', () => {
    expect(CreateTenantBody.parse({ id: 'acme', name: '  Acme Corp ' })).toEqual({
      id: 'acme',
      name: 'Acme Corp',
    });
  });

  it('rejects an unknown field', () => {
    const result = CreateTenantBody.safeParse({ id: 'acme', name: 'Acme', plan: 'gold' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].code).toBe('unrecognized_keys');
  });

  it('rejects a bad slug, a blank name and a missing name', () => {
    expect(CreateTenantBody.safeParse({ id: 'ACME', name: 'Acme' }).success).toBe(false);
    expect(CreateTenantBody.safeParse({ id: 'acme', name: '   ' }).success).toBe(false);
    expect(CreateTenantBody.safeParse({ id: 'acme' }).success).toBe(false);
    expect(CreateTenantBody.safeParse({ id: 'acme', name: 'x'.repeat(201) }).success).toBe(false);
  });
});

describe('ListTenantsQuery', () => {
  it('reads the limit from query text and defaults it', () => {
    expect(ListTenantsQuery.parse({ limit: '10' })).toEqual({ limit: 10 });
    expect(ListTenantsQuery.parse({})).toEqual({ limit: 50 });
    expect(ListTenantsQuery.safeParse({ limit: '0' }).success).toBe(false);
  });
});

describe('SystemStatusView', () => {
  it('accepts a mix of answering and unavailable services', () => {
    const view = {
      status: 'degraded',
      services: {
        registry: {
          service: 'registry',
          status: 'ok',
          version: '0.1.0',
          uptimeSeconds: 12,
          database: { ok: true, latencyMs: 1.5, schema: 'registry' },
        },
        config: { service: 'config', status: 'unavailable', error: 'timed out' },
      },
    };
    expect(SystemStatusView.parse(view)).toEqual(view);
  });

  it('rejects a service that is not one of ours', () => {
    const view = {
      status: 'ok',
      services: { billing: { service: 'billing', status: 'unavailable', error: 'x' } },
    };
    expect(SystemStatusView.safeParse(view).success).toBe(false);
  });
});
