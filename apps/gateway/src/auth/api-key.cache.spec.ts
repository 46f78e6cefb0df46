import { ApiKeyCache, type StoredApiKey } from './api-key.cache';

function stored(keyId: string, overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  return {
    keyId,
    tenant: 'acme',
    scopes: ['registry:read'],
    secretSha256: Buffer.alloc(32, 7),
    revoked: false,
    ...overrides,
  };
}

/** A store that counts its reads, answers from `rows`, and can be held mid-read. */
class FakeStore {
  readonly rows = new Map<string, StoredApiKey>();
  reads = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  load = async (keyId: string): Promise<StoredApiKey | undefined> => {
    this.reads += 1;
    const answer = this.rows.get(keyId);
    if (this.gate) await this.gate;
    return answer;
  };

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.open?.();
  }
}

describe('ApiKeyCache', () => {
  let clock: number;
  let store: FakeStore;
  let cache: ApiKeyCache;

  beforeEach(() => {
    clock = 1_000_000;
    store = new FakeStore();
    cache = new ApiKeyCache({
      load: store.load,
      now: () => clock,
      activeTtlMs: 60_000,
      unknownTtlMs: 5_000,
      revokedTtlMs: 30_000,
      maxEntries: 3,
    });
    cache.markLive();
  });

  it('reads a key from the store once and then answers from memory', async () => {
    store.rows.set('k1', stored('k1'));
    await expect(cache.find('k1')).resolves.toMatchObject({ keyId: 'k1', tenant: 'acme' });
    await expect(cache.find('k1')).resolves.toMatchObject({ keyId: 'k1' });
    expect(store.reads).toBe(1);
  });

  it('lets concurrent misses of one key share a single read', async () => {
    store.rows.set('k1', stored('k1'));
    await Promise.all([cache.find('k1'), cache.find('k1'), cache.find('k1')]);
    expect(store.reads).toBe(1);
  });

  it('remembers an unknown key id for a short while, so garbage does not reach the store', async () => {
    for (let i = 0; i < 10; i++) await expect(cache.find('nope')).resolves.toBeUndefined();
    expect(store.reads).toBe(1);
    clock += 5_001;
    await cache.find('nope');
    expect(store.reads).toBe(2);
  });

  it('reads an active key again once its time is up', async () => {
    store.rows.set('k1', stored('k1'));
    await cache.find('k1');
    clock += 59_999;
    await cache.find('k1');
    expect(store.reads).toBe(1);
    clock += 2;
    await cache.find('k1');
    expect(store.reads).toBe(2);
  });

  it('refuses a remembered key as soon as its revocation arrives, without a read', async () => {
    store.rows.set('k1', stored('k1'));
    await cache.find('k1');
    cache.revoke('k1');
    await expect(cache.find('k1')).resolves.toBeUndefined();
    expect(store.reads).toBe(1);
  });

  it('lets a revocation that arrives during a read win over what the read returns', async () => {
    store.rows.set('k1', stored('k1'));
    store.hold();
    const finding = cache.find('k1');
    cache.revoke('k1');
    store.release();
    await expect(finding).resolves.toBeUndefined();
    await expect(cache.find('k1')).resolves.toBeUndefined();
    expect(store.reads).toBe(1);
  });

  it('refuses a key the store says is revoked, and remembers that', async () => {
    store.rows.set('k1', stored('k1', { revoked: true }));
    await expect(cache.find('k1')).resolves.toBeUndefined();
    await expect(cache.find('k1')).resolves.toBeUndefined();
    expect(store.reads).toBe(1);
  });

  it('asks the store again after a revocation is forgotten, and the store still refuses it', async () => {
    store.rows.set('k1', stored('k1', { revoked: true }));
    cache.revoke('k1');
    clock += 30_001;
    await expect(cache.find('k1')).resolves.toBeUndefined();
    expect(store.reads).toBe(1);
  });

  it('forgets that an id was unknown when a key with that id is created', async () => {
    await cache.find('k1');
    store.rows.set('k1', stored('k1'));
    cache.created('k1');
    await expect(cache.find('k1')).resolves.toMatchObject({ keyId: 'k1' });
    expect(store.reads).toBe(2);
  });

  it('knows a key it was told about without reading it', async () => {
    cache.remember({
      keyId: 'k1',
      tenant: 'acme',
      scopes: ['admin'],
      secretSha256: Buffer.alloc(32),
    });
    await expect(cache.find('k1')).resolves.toMatchObject({ scopes: ['admin'] });
    expect(store.reads).toBe(0);
  });

  it('remembers nothing before it is live, since a revocation could pass unseen', async () => {
    const cold = new ApiKeyCache({ load: store.load, now: () => clock });
    store.rows.set('k1', stored('k1'));
    await cold.find('k1');
    await cold.find('k1');
    await cold.find('nope');
    await cold.find('nope');
    cold.remember({ keyId: 'k2', tenant: 'acme', scopes: [], secretSha256: Buffer.alloc(32) });
    await cold.find('k2');
    expect(store.reads).toBe(5);
    expect(cold.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest written first', async () => {
    for (const id of ['a', 'b', 'c', 'd']) store.rows.set(id, stored(id));
    for (const id of ['a', 'b', 'c', 'd']) await cache.find(id);
    expect(cache.size).toBe(3);
    store.reads = 0;
    await cache.find('d');
    await cache.find('b');
    expect(store.reads).toBe(0);
    await cache.find('a');
    expect(store.reads).toBe(1);
  });

  it('remembers nothing when the store fails, so the next request reads again', async () => {
    const failing = new ApiKeyCache({
      load: async () => {
        throw new Error('connection refused');
      },
    });
    failing.markLive();
    await expect(failing.find('k1')).rejects.toThrow('connection refused');
    await expect(failing.find('k1')).rejects.toThrow('connection refused');
    expect(failing.size).toBe(0);
  });
});
