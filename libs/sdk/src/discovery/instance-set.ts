/**
 * The instances of one service as a discovery cache knows them, built from a snapshot and the
 * registry's events in any interleaving: each instance keeps the newest version seen, where a
 * version is (registeredAt, revision) — revisions start again at 1 when an instance id
 * registers anew after it was removed, its registration time does not.
 */
import type { InstanceView } from '@mcp/protocol';

export type InstanceChangeKind =
  'registered' | 'updated' | 'health-changed' | 'deregistered' | 'expired';

interface Version {
  life: number;
  revision: number;
}

// Tombstones only settle races between a snapshot and the events around it; a bounded number
// (oldest dropped first) is plenty.
const MAX_TOMBSTONES = 10_000;

export class InstanceSet {
  private readonly live = new Map<string, InstanceView>();
  private readonly removed = new Map<string, Version>();

  /** Applies one change; true when what the set holds changed. */
  apply(kind: InstanceChangeKind, instance: InstanceView): boolean {
    return kind === 'deregistered' || kind === 'expired'
      ? this.remove(instance)
      : this.upsert(instance);
  }

  /** Takes in a listing: every instance in it is a state the registry held at some point. */
  applySnapshot(instances: readonly InstanceView[]): boolean {
    let changed = false;
    for (const instance of instances) changed = this.upsert(instance) || changed;
    return changed;
  }

  get(instanceId: string): InstanceView | undefined {
    return this.live.get(instanceId);
  }

  /** Every instance held, by instance id. */
  all(): InstanceView[] {
    return [...this.live.values()].sort((a, b) =>
      a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0,
    );
  }

  private upsert(instance: InstanceView): boolean {
    const version = versionOf(instance);
    const tombstone = this.removed.get(instance.instanceId);
    if (tombstone && compare(version, tombstone) <= 0) return false;
    const current = this.live.get(instance.instanceId);
    if (current) {
      const order = compare(version, versionOf(current));
      if (order < 0) return false;
      if (order === 0 && current.status === instance.status) return false;
    }
    this.live.set(instance.instanceId, instance);
    this.removed.delete(instance.instanceId);
    return true;
  }

  private remove(instance: InstanceView): boolean {
    const version = versionOf(instance);
    const current = this.live.get(instance.instanceId);
    // The removal of an earlier life of this id, arriving after its new registration.
    if (current && compare(version, versionOf(current)) < 0) return false;
    const tombstone = this.removed.get(instance.instanceId);
    if (!tombstone || compare(version, tombstone) > 0) {
      this.removed.delete(instance.instanceId);
      this.removed.set(instance.instanceId, version);
      if (this.removed.size > MAX_TOMBSTONES) {
        const oldest = this.removed.keys().next().value;
        if (oldest !== undefined) this.removed.delete(oldest);
      }
    }
    return this.live.delete(instance.instanceId);
  }
}

function versionOf(instance: InstanceView): Version {
  return { life: Date.parse(instance.registeredAt), revision: instance.revision };
}

function compare(a: Version, b: Version): number {
  return a.life !== b.life ? a.life - b.life : a.revision - b.revision;
}
