import { z } from 'zod';
import { eventCatalog, eventDefinitionOf } from './catalog';
import { decodeCloudEvent, encodeCloudEvent, MalformedEventError } from './envelope';
import { InvalidInputError } from './errors';
import { createEvent, defineEvent, parseEventData } from './events';
import { TenantCreated } from './gateway/tenant-created.event';
import { Topic } from './topics';

const tenant = { id: 'acme', name: 'Acme Corp', createdAt: '2025-01-02T03:04:05.000Z' };

describe('createEvent', () => {
  it('wraps valid data in a CloudEvent with the definition’s type, source, subject, tenant and key', () => {
    const time = new Date('2025-01-02T03:04:06.000Z');
    const { event, partitionKey } = createEvent(TenantCreated, tenant, { id: 'evt-1', time });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      source: '/mcp/gateway',
      type: 'mcp.gateway.tenant.created.v1',
      time: '2025-01-02T03:04:06.000Z',
      subject: 'tenants/acme',
      tenant: 'acme',
      datacontenttype: 'application/json',
      data: tenant,
    });
    expect(partitionKey).toBe('acme');
  });

  it('gives every event a fresh id when none is given', () => {
    const first = createEvent(TenantCreated, tenant).event.id;
    const second = createEvent(TenantCreated, tenant).event.id;
    expect(first).not.toBe(second);
  });

  it('rejects data that breaks the schema with an InvalidInputError naming the field', () => {
    let caught: unknown;
    try {
      createEvent(TenantCreated, { ...tenant, createdAt: 'not a date' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).issues.map((i) => i.path)).toEqual(['createdAt']);
    expect((caught as InvalidInputError).message).toContain('mcp.gateway.tenant.created.v1');
  });

  it('rejects a tenant id that is not a slug', () => {
    expect(() => createEvent(TenantCreated, { ...tenant, id: 'Not A Slug' })).toThrow(
      InvalidInputError,
    );
  });
});

describe('parseEventData', () => {
  const decoded = () => {
    const { event, partitionKey } = createEvent(TenantCreated, tenant);
    return decodeCloudEvent(encodeCloudEvent(event, partitionKey));
  };

  it('returns the event with typed data when it matches its definition', () => {
    const event = parseEventData(TenantCreated, decoded());
    expect(event.data.name).toBe('Acme Corp');
  });

  it('rejects data that breaks the schema, listing the issues as the reason', () => {
    const event = { ...decoded(), data: { id: 'acme' } };
    expect(() => parseEventData(TenantCreated, event)).toThrow(MalformedEventError);
    try {
      parseEventData(TenantCreated, event);
    } catch (error) {
      expect((error as MalformedEventError).reason).toMatch(/name: .*; createdAt: /);
    }
  });

  it('rejects an event of another type', () => {
    const event = { ...decoded(), type: 'mcp.gateway.tenant.deleted.v1' };
    expect(() => parseEventData(TenantCreated, event)).toThrow(/expected an event of type/);
  });

  it('rejects an event whose ce_tenant disagrees with the tenant of its data', () => {
    const event = { ...decoded(), tenant: 'globex' };
    expect(() => parseEventData(TenantCreated, event)).toThrow(
      /ce_tenant is "globex" but the data belongs to tenant "acme"/,
    );
  });
});

describe('defineEvent', () => {
  it('refuses a type that does not follow mcp.<service>.<entity>.<action>.v<N>', () => {
    expect(() =>
      defineEvent({
        type: 'TenantCreated',
        topic: Topic.GatewayEvents,
        source: '/mcp/gateway',
        description: 'x',
        schema: z.object({ id: z.string() }),
        partitionKey: (d) => d.id,
        tenantOf: (d) => d.id,
      }),
    ).toThrow(/must look like/);
  });
});

describe('eventCatalog', () => {
  it('finds each event definition by its type', () => {
    for (const def of eventCatalog) expect(eventDefinitionOf(def.type)).toBe(def);
    expect(eventDefinitionOf('mcp.nope.thing.happened.v1')).toBeUndefined();
  });

  it('has unique types, each on one of our event topics with a source of its service', () => {
    const types = eventCatalog.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    for (const def of eventCatalog) {
      expect(Object.values(Topic)).toContain(def.topic);
      const service = def.type.split('.')[1];
      expect(def.topic.startsWith(`mcp.${service}.`)).toBe(true);
      expect(def.source).toBe(`/mcp/${service}`);
    }
  });
});
