import type { ApiKeyScope } from '@mcp/protocol';

/** A key as the store holds it: never the secret, only its digest. */
export interface StoredApiKey {
  keyId: string;
  tenant: string;
  scopes: readonly ApiKeyScope[];
  secretSha256: Buffer;
  revoked: boolean;
}

export type ActiveApiKey = Omit<StoredApiKey, 'revoked'>;

export interface ApiKeyCacheOptions {
  /** Reads one key from Postgres; undefined when no key has that id. */
  load: (keyId: string) => Promise<StoredApiKey | undefined>;
  /**
   * How long an active key is trusted before it is read again. Revocations arrive as events
   * long before this; it only bounds the damage should the event stream ever lose one.
   */
  activeTtlMs?: number;
  /** How long "no such key" is remembered, so a flood of made-up keys cannot hammer Postgres. */
  unknownTtlMs?: number;
  /** How long a revocation is remembered, so a read that raced it cannot admit the key again. */
  revokedTtlMs?: number;
  /** Entries kept at most; the oldest written go first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  /** undefined: no such key (or a revoked one, which is never admitted again). */
  key: ActiveApiKey | undefined;
  expiresAt: number;
}

export const API_KEY_CACHE_DEFAULTS = {
  activeTtlMs: 5 * 60_000,
  unknownTtlMs: 30_000,
  revokedTtlMs: 10 * 60_000,
  maxEntries: 100_000,
} as const;

/**
 * This replica's view of the tenants' API keys, so authenticating a request does not read
 * Postgres. A miss is read once (concurrent misses share the read) and remembered; revocations
 * come in as events (`revoke`) and win over any read that was in flight when they arrived.
 * Until `markLive()` — the event stream is being followed — nothing is remembered, since a
 * revocation could pass unseen.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly revokedUntil = new Map<string, number>();
  private readonly reading = new Map<string, Promise<ActiveApiKey | undefined>>();
  private readonly activeTtlMs: number;
  private readonly unknownTtlMs: number;
  private readonly revokedTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private live = false;

  constructor(private readonly options: ApiKeyCacheOptions) {
    this.activeTtlMs = options.activeTtlMs ?? API_KEY_CACHE_DEFAULTS.activeTtlMs;
    this.unknownTtlMs = options.unknownTtlMs ?? API_KEY_CACHE_DEFAULTS.unknownTtlMs;
    this.revokedTtlMs = options.revokedTtlMs ?? API_KEY_CACHE_DEFAULTS.revokedTtlMs;
    this.maxEntries = options.maxEntries ?? API_KEY_CACHE_DEFAULTS.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** Revocation events are now followed: from here on, reads may be remembered. */
  markLive(): void {
    this.live = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The active key with this id, or undefined when it is unknown or revoked. */
  async find(keyId: string): Promise<ActiveApiKey | undefined> {
    const now = this.now();
    if (this.isRevoked(keyId, now)) return undefined;
    const entry = this.entries.get(keyId);
    if (entry && entry.expiresAt > now) return entry.key;
    if (entry) this.entries.delete(keyId);
    return this.readOnce(keyId);
  }

  /** A key this replica just created: known at once, without a read. */
  remember(key: ActiveApiKey): void {
    const now = this.now();
    if (this.live && !this.isRevoked(key.keyId, now)) {
      this.put(key.keyId, { key, expiresAt: now + this.activeTtlMs });
    }
  }

  /** A key was created somewhere: forget that its id was unknown. */
  created(keyId: string): void {
    const entry = this.entries.get(keyId);
    if (entry && entry.key === undefined) this.entries.delete(keyId);
  }

  /** A key was revoked somewhere: refuse it from now on. */
  revoke(keyId: string): void {
    const now = this.now();
    this.entries.delete(keyId);
    this.forgetOldRevocations(now);
    this.revokedUntil.delete(keyId);
    this.revokedUntil.set(keyId, now + this.revokedTtlMs);
  }

  private readOnce(keyId: string): Promise<ActiveApiKey | undefined> {
    let pending = this.reading.get(keyId);
    if (!pending) {
      pending = this.read(keyId).finally(() => this.reading.delete(keyId));
      this.reading.set(keyId, pending);
    }
    return pending;
  }

  private async read(keyId: string): Promise<ActiveApiKey | undefined> {
    const stored = await this.options.load(keyId);
    const now = this.now();
    // A revocation that arrived while Postgres answered is newer than the answer.
    if (this.isRevoked(keyId, now)) return undefined;
    if (stored?.revoked) {
      this.rememberRefusal(keyId, now, this.revokedTtlMs);
      return undefined;
    }
    if (!stored) {
      this.rememberRefusal(keyId, now, this.unknownTtlMs);
      return undefined;
    }
    const { revoked: _revoked, ...key } = stored;
    if (this.live) this.put(keyId, { key, expiresAt: now + this.activeTtlMs });
    return key;
  }

  private rememberRefusal(keyId: string, now: number, ttlMs: number): void {
    if (this.live) this.put(keyId, { key: undefined, expiresAt: now + ttlMs });
  }

  private put(keyId: string, entry: Entry): void {
    // Re-inserting moves the key to the young end of the Map's insertion order.
    this.entries.delete(keyId);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(keyId, entry);
  }

  private isRevoked(keyId: string, now: number): boolean {
    const until = this.revokedUntil.get(keyId);
    return until !== undefined && until > now;
  }

  // Every revocation lives equally long, so insertion order is expiry order.
  private forgetOldRevocations(now: number): void {
    for (const [keyId, until] of this.revokedUntil) {
      if (until > now) break;
      this.revokedUntil.delete(keyId);
    }
  }
}
