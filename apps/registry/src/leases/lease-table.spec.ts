import { LeaseTable } from './lease-table';

const a = { tenant: 'acme', service: 'orders', instanceId: 'o-1' };
const b = { tenant: 'acme', service: 'orders', instanceId: 'o-2' };

describe('LeaseTable', () => {
  it('expires a lease one TTL after its grant when no heartbeat comes', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 30_000, 1_000, 0);
    expect(table.takeExpired(30_999)).toEqual([]);
    expect(table.takeExpired(31_000)).toEqual([expect.objectContaining({ ...a, revision: 1 })]);
    expect(table.size).toBe(0);
  });

  it('pushes expiry back with each heartbeat, by the time the heartbeat was written', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 10_000, 0, 0);
    expect(table.renew(a, 8_000)).toBe(true);
    expect(table.takeExpired(17_999)).toEqual([]);
    // A late-arriving older heartbeat never shortens the lease.
    table.renew(a, 1_000);
    expect(table.takeExpired(17_999)).toEqual([]);
    expect(table.takeExpired(18_000)).toHaveLength(1);
  });

  it('ignores a heartbeat for a lease it does not hold', () => {
    expect(new LeaseTable().renew(a, 0)).toBe(false);
  });

  it('does not let a late grant of an older revision replace a newer one', () => {
    const table = new LeaseTable();
    table.grant(a, 2, 10_000, 5_000, 0);
    table.grant(a, 1, 60_000, 6_000, 0);
    expect(table.get(a)).toMatchObject({ revision: 2, expiresAt: 15_000 });
  });

  it('releases only the revision it was told about or an older one', () => {
    const table = new LeaseTable();
    table.grant(a, 3, 10_000, 0, 0);
    table.release(a, 2);
    expect(table.get(a)).toBeDefined();
    table.release(a, 3);
    expect(table.get(a)).toBeUndefined();
  });

  it('gives adopted leases a full TTL from the takeover, so a takeover never expires a live instance', () => {
    const table = new LeaseTable();
    table.adopt([{ ...a, revision: 1, ttlMs: 5_000, partition: 2 }], 100_000);
    expect(table.takeExpired(104_999)).toEqual([]);
    expect(table.takeExpired(105_000)).toHaveLength(1);
  });

  it('keeps the full TTL of an adopted lease when the new owner replays a grant written before the takeover', () => {
    const table = new LeaseTable();
    table.adopt([{ ...a, revision: 1, ttlMs: 5_000, partition: 2 }], 100_000);
    // The dead owner had not committed this record: it comes again, with its old timestamp.
    table.grant(a, 1, 5_000, 90_000, 2);
    expect(table.takeExpired(104_999)).toEqual([]);
    expect(table.takeExpired(105_000)).toHaveLength(1);
  });

  it('takes a revised revision without touching the TTL clock', () => {
    const table = new LeaseTable();
    table.grant(a, 3, 10_000, 0, 0);
    table.renew(a, 2_000);
    table.revise(a, 4);
    expect(table.get(a)).toMatchObject({ revision: 4, expiresAt: 12_000 });
    // The lease lapses on time and carries the revision the expiry must match.
    expect(table.takeExpired(11_999)).toEqual([]);
    expect(table.takeExpired(12_000)).toEqual([expect.objectContaining({ revision: 4 })]);
  });

  it('ignores a revision older than the one held, and one for a lease it does not hold', () => {
    const table = new LeaseTable();
    table.grant(a, 5, 10_000, 0, 0);
    table.revise(a, 4);
    expect(table.get(a)?.revision).toBe(5);
    table.revise(b, 2);
    expect(table.get(b)).toBeUndefined();
  });

  it('replaying the stream after a takeover neither rolls a revised lease back nor restarts its clock', () => {
    const table = new LeaseTable();
    // Adopted from Postgres after two health changes moved the row to revision 3.
    table.adopt([{ ...a, revision: 3, ttlMs: 5_000, partition: 2 }], 100_000);
    // The lease stream since the last committed offset: the grant and the first two revisions.
    table.grant(a, 1, 5_000, 90_000, 2);
    table.revise(a, 2);
    table.revise(a, 3);
    expect(table.get(a)).toMatchObject({ revision: 3, expiresAt: 105_000 });
  });

  it('lets a new registration after a revision restart the clock', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 10_000, 0, 0);
    table.revise(a, 2);
    table.grant(a, 3, 10_000, 7_000, 0);
    expect(table.get(a)).toMatchObject({ revision: 3, expiresAt: 17_000 });
  });

  it('releases a revised lease by the revision its removal carried', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 10_000, 0, 0);
    table.revise(a, 2);
    table.release(a, 1);
    expect(table.get(a)).toBeDefined();
    table.release(a, 2);
    expect(table.get(a)).toBeUndefined();
  });

  it('drops the leases of partitions it no longer owns', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 10_000, 0, 1);
    table.grant(b, 1, 10_000, 0, 4);
    table.dropPartitions(new Set([1]));
    expect(table.get(a)).toBeUndefined();
    expect(table.get(b)).toBeDefined();
  });

  it('retries an expiry that could not be recorded', () => {
    const table = new LeaseTable();
    table.grant(a, 1, 1_000, 0, 0);
    const [lease] = table.takeExpired(1_000);
    table.retryLater(lease, 2_000);
    expect(table.takeExpired(1_999)).toEqual([]);
    expect(table.takeExpired(2_000)).toHaveLength(1);
  });
});
