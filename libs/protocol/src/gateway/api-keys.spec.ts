import { createEvent } from '../events';
import { Topic } from '../topics';
import {
  ApiKeyCreated,
  ApiKeyId,
  ApiKeyRevoked,
  CreateApiKeyBody,
  CreatedApiKeyView,
  ListApiKeysQuery,
} from './api-keys';

describe('CreateApiKeyBody', () => {
  it('accepts a name and scopes, trimming the name and dropping repeated scopes', () => {
    expect(
      CreateApiKeyBody.parse({
        name: ' ci deploy ',
        scopes: ['registry:write', 'registry:read', 'registry:write'],
      }),
    ).toEqual({ name: 'ci deploy', scopes: ['registry:write', 'registry:read'] });
  });

  it('rejects an unknown field', () => {
    const result = CreateApiKeyBody.safeParse({ name: 'ci', scopes: ['admin'], ttl: 3600 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].code).toBe('unrecognized_keys');
  });

  it('rejects a scope MCP does not know, no scopes and a blank name', () => {
    expect(CreateApiKeyBody.safeParse({ name: 'ci', scopes: ['root'] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ name: 'ci', scopes: [] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ name: ' ', scopes: ['admin'] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ scopes: ['admin'] }).success).toBe(false);
  });
});

describe('ApiKeyId', () => {
  it('accepts 16 lowercase hex characters only', () => {
    expect(ApiKeyId.safeParse('0123456789abcdef').success).toBe(true);
    expect(ApiKeyId.safeParse('0123456789ABCDEF').success).toBe(false);
    expect(ApiKeyId.safeParse('0123456789abcde').success).toBe(false);
    expect(ApiKeyId.safeParse('0123456789abcdeg').success).toBe(false);
  });
});

describe('CreatedApiKeyView', () => {
  it('carries the key besides the view of the key', () => {
    const view = {
      id: '0123456789abcdef',
      key: 'mcp_0123456789abcdef_secret',
      name: 'ci',
      scopes: ['admin'],
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    expect(CreatedApiKeyView.parse(view)).toEqual(view);
  });
});

describe('ListApiKeysQuery', () => {
  it('reads the limit from query text and defaults it', () => {
    expect(ListApiKeysQuery.parse({ limit: '5', cursor: 'abc' })).toEqual({
      limit: 5,
      cursor: 'abc',
    });
    expect(ListApiKeysQuery.parse({})).toEqual({ limit: 50 });
    expect(ListApiKeysQuery.safeParse({ limit: '201' }).success).toBe(false);
  });
});

describe('api key events', () => {
  const data = {
    keyId: '0123456789abcdef',
    tenant: 'acme',
    name: 'ci',
    scopes: ['registry:read' as const],
    time: '2025-01-01T00:00:00.000Z',
  };

  it.each([ApiKeyCreated, ApiKeyRevoked])(
    '$type goes to the gateway events topic keyed and attributed by tenant',
    (def) => {
      const { event, partitionKey } = createEvent(def, data);
      expect(def.topic).toBe(Topic.GatewayEvents);
      expect(partitionKey).toBe('acme');
      expect(event.tenant).toBe('acme');
      expect(event.subject).toBe('keys/0123456789abcdef');
    },
  );

  it('never carries a secret or a hash: extra fields are stripped from the data', () => {
    const { event } = createEvent(ApiKeyRevoked, {
      ...data,
      secretSha256: 'deadbeef',
    } as typeof data);
    expect(Object.keys(event.data as object).sort()).toEqual(
      ['keyId', 'name', 'scopes', 'tenant', 'time'].sort(),
    );
  });
});
