import { RegisterInstanceBody } from '@mcp/protocol';
import { sameRegistration, toInstanceView, type InstanceRow } from './instance-row';

const row: InstanceRow = {
  tenant_id: 'acme',
  service: 'orders',
  instance_id: 'orders-1',
  host: '10.0.0.5',
  port: 8080,
  weight: 100,
  labels: { env: 'prod', version: 'v2' },
  ttl_seconds: 30,
  health_check: null,
  status: 'up',
  revision: 3,
  registered_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-02T00:00:00Z'),
};

describe('sameRegistration', () => {
  it('treats a repeated registration with labels in another order as unchanged', () => {
    const body = RegisterInstanceBody.parse({
      host: '10.0.0.5',
      port: 8080,
      labels: { version: 'v2', env: 'prod' },
    });
    expect(sameRegistration(row, body)).toBe(true);
  });

  it('sees a change of port, weight, labels, TTL or health check', () => {
    const base = { host: '10.0.0.5', port: 8080, labels: { env: 'prod', version: 'v2' } };
    expect(sameRegistration(row, RegisterInstanceBody.parse({ ...base, port: 8081 }))).toBe(false);
    expect(sameRegistration(row, RegisterInstanceBody.parse({ ...base, weight: 5 }))).toBe(false);
    expect(
      sameRegistration(row, RegisterInstanceBody.parse({ ...base, labels: { env: 'prod' } })),
    ).toBe(false);
    expect(sameRegistration(row, RegisterInstanceBody.parse({ ...base, ttlSeconds: 10 }))).toBe(
      false,
    );
    expect(
      sameRegistration(
        row,
        RegisterInstanceBody.parse({ ...base, healthCheck: { path: '/health' } }),
      ),
    ).toBe(false);
  });
});

describe('toInstanceView', () => {
  it('exposes the row in the protocol shape, without the tenant', () => {
    const view = toInstanceView(row);
    expect(view).toMatchObject({
      service: 'orders',
      instanceId: 'orders-1',
      revision: 3,
      status: 'up',
    });
    expect(view).not.toHaveProperty('tenant');
    expect(view.registeredAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
