import { ApiKeyCreated, ApiKeyRevoked, TenantCreated, createEvent } from '@mcp/protocol';
import { ApiKeyCache, type StoredApiKey } from './api-key.cache';
import { applyApiKeyEvent } from './apply-api-key-event';

const data = {
  keyId: '0123456789abcdef',
  tenant: 'acme',
  name: 'ci',
  scopes: ['registry:read' as const],
  time: '2025-01-01T00:00:00.000Z',
};

function liveCache(rows: Map<string, StoredApiKey>): ApiKeyCache {
  const cache = new ApiKeyCache({ load: async (keyId) => rows.get(keyId) });
  cache.markLive();
  return cache;
}

describe('applyApiKeyEvent', () => {
  it('makes the cache refuse a revoked key it had admitted', async () => {
    const rows = new Map<string, StoredApiKey>([
      [data.keyId, { ...data, secretSha256: Buffer.alloc(32), revoked: false }],
    ]);
    const cache = liveCache(rows);
    await expect(cache.find(data.keyId)).resolves.toBeDefined();
    applyApiKeyEvent(cache, createEvent(ApiKeyRevoked, data).event);
    await expect(cache.find(data.keyId)).resolves.toBeUndefined();
  });

  it('lets a created key in even if its id was remembered as unknown', async () => {
    const rows = new Map<string, StoredApiKey>();
    const cache = liveCache(rows);
    await expect(cache.find(data.keyId)).resolves.toBeUndefined();
    rows.set(data.keyId, { ...data, secretSha256: Buffer.alloc(32), revoked: false });
    applyApiKeyEvent(cache, createEvent(ApiKeyCreated, data).event);
    await expect(cache.find(data.keyId)).resolves.toBeDefined();
  });

  it('ignores the other events of the gateway topic', async () => {
    const rows = new Map<string, StoredApiKey>();
    const cache = liveCache(rows);
    const tenantCreated = createEvent(TenantCreated, {
      id: 'acme',
      name: 'Acme',
      createdAt: data.time,
    }).event;
    expect(() => applyApiKeyEvent(cache, tenantCreated)).not.toThrow();
    expect(cache.size).toBe(0);
  });
});
