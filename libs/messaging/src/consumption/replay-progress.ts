// "Have I read everything that was there when I started?" for a consumer rebuilding state from
// a (compacted) topic read from the beginning.
import type { Kafka } from 'kafkajs';

/**
 * Tracks a replay against the high watermarks taken before it began: `caughtUp` resolves once
 * every partition's records up to its watermark have been handled. Compaction leaves gaps in the
 * offsets but never removes a partition's last record, so reaching `high - 1` is reaching the end.
 */
export class ReplayProgress {
  private readonly pending = new Map<number, number>();
  private resolve!: () => void;
  readonly caughtUp: Promise<void>;

  /** `ends`: partition → the offset the next record would get (the high watermark). */
  constructor(ends: ReadonlyMap<number, number>) {
    this.caughtUp = new Promise((resolve) => (this.resolve = resolve));
    for (const [partition, high] of ends) {
      if (high > 0) this.pending.set(partition, high - 1);
    }
    this.settle();
  }

  /** Partitions not read to their end yet. */
  get remaining(): number {
    return this.pending.size;
  }

  /** A record of `partition` at `offset` was handled. */
  handled(partition: number, offset: string | number): void {
    const last = this.pending.get(partition);
    if (last === undefined || Number(offset) < last) return;
    this.pending.delete(partition);
    this.settle();
  }

  private settle(): void {
    if (this.pending.size === 0) this.resolve();
  }
}

/** The high watermark of every partition of `topic`, with empty (fully deleted) ones at 0. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(
      offsets.map(({ partition, high, low }) => [
        partition,
        Number(high) > Number(low) ? Number(high) : 0,
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}
