import { instanceKeyOf } from '@mcp/protocol';

export interface LeaseAddress {
  tenant: string;
  service: string;
  instanceId: string;
}

export interface Lease extends LeaseAddress {
  revision: number;
  ttlMs: number;
  /** ms since the epoch. */
  expiresAt: number;
  /** The lease-stream partition the instance hashes to; its owner keeps this clock. */
  partition: number;
}

/**
 * The TTL clocks of the leases one registry replica owns, in memory: heartbeats renew them
 * without touching Postgres, and the reaper takes the lapsed ones.
 */
export class LeaseTable {
  private readonly leases = new Map<string, Lease>();

  get size(): number {
    return this.leases.size;
  }

  get(address: LeaseAddress): Lease | undefined {
    return this.leases.get(keyOf(address));
  }

  /**
   * A (re)registration: the clock restarts from `at`, unless an older revision arrives late. A
   * grant of the revision already held never shortens the lease: after a takeover the new owner
   * replays grants written before it adopted the lease with a full TTL from the takeover.
   */
  grant(
    address: LeaseAddress,
    revision: number,
    ttlMs: number,
    at: number,
    partition: number,
  ): void {
    const key = keyOf(address);
    const current = this.leases.get(key);
    if (current && current.revision > revision) return;
    const expiresAt =
      current?.revision === revision ? Math.max(current.expiresAt, at + ttlMs) : at + ttlMs;
    this.leases.set(key, { ...address, revision, ttlMs, expiresAt, partition });
  }

  /** A heartbeat written at `at`; a heartbeat for an unknown lease is ignored (it lapsed). */
  renew(address: LeaseAddress, at: number): boolean {
    const lease = this.leases.get(keyOf(address));
    if (!lease) return false;
    lease.expiresAt = Math.max(lease.expiresAt, at + lease.ttlMs);
    return true;
  }

  /**
   * The instance's revision moved without a new registration (a health check changed its status):
   * the lease now stands for that revision, so the conditional expiry still matches the row,
   * while its clock runs on untouched. Older revisions and leases not held are ignored.
   */
  revise(address: LeaseAddress, revision: number): void {
    const lease = this.leases.get(keyOf(address));
    if (lease && lease.revision < revision) lease.revision = revision;
  }

  release(address: LeaseAddress, revision: number): void {
    const key = keyOf(address);
    const current = this.leases.get(key);
    if (current && current.revision <= revision) this.leases.delete(key);
  }

  /**
   * Takes over leases of newly owned partitions. Their last heartbeats are not known here, so
   * each gets a full TTL from now: a live instance is never expired by a takeover, a dead one
   * lapses one TTL later.
   */
  adopt(leases: Omit<Lease, 'expiresAt'>[], now: number): void {
    for (const lease of leases) {
      const key = keyOf(lease);
      const current = this.leases.get(key);
      if (current && current.revision >= lease.revision) continue;
      this.leases.set(key, { ...lease, expiresAt: now + lease.ttlMs });
    }
  }

  /** Forgets the leases of partitions another replica now owns. */
  dropPartitions(partitions: ReadonlySet<number>): void {
    for (const [key, lease] of this.leases) {
      if (partitions.has(lease.partition)) this.leases.delete(key);
    }
  }

  /** Removes and returns the leases that lapsed before `now`. */
  takeExpired(now: number): Lease[] {
    const expired: Lease[] = [];
    for (const [key, lease] of this.leases) {
      if (lease.expiresAt <= now) {
        expired.push(lease);
        this.leases.delete(key);
      }
    }
    return expired;
  }

  /** Puts back a lease whose expiry could not be recorded, to try again shortly. */
  retryLater(lease: Lease, at: number): void {
    const key = keyOf(lease);
    if (!this.leases.has(key)) this.leases.set(key, { ...lease, expiresAt: at });
  }
}

function keyOf(address: LeaseAddress): string {
  return instanceKeyOf(address.tenant, address.service, address.instanceId);
}
