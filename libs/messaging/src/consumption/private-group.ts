// A consumer group of one process: for state every replica must see in full (key revocations,
// the registry's state topic), where a shared group would hand each record to one replica only.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { withTimeout } from '@mcp/resilience';
import type { Logger } from '@mcp/telemetry';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';

// Deleting the group is housekeeping; a stop must not wait long on it.
const GROUP_CLEANUP_TIMEOUT_MS = 2_000;

/** A group id no other process uses: `<prefix>-<host>-<pid>-<random>`. */
export function privateGroupId(prefix: string): string {
  return `${prefix}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes a private group once its only member has left. Leaving it behind would only clutter
 * the broker until Kafka expires it, so a failure is logged, not thrown.
 */
export async function deletePrivateGroup(
  kafka: Kafka,
  groupId: string,
  logger: Logger,
): Promise<void> {
  const admin = kafka.admin();
  try {
    await withTimeout(async () => {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    }, GROUP_CLEANUP_TIMEOUT_MS);
  } catch (error) {
    logger.warn(
      { err: error, groupId },
      'could not delete the consumer group; Kafka expires it later',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export type PrivateFeedOptions = Omit<EventConsumerOptions, 'groupId'> & {
  /** The group id's prefix; the rest makes it unique to this process. */
  groupPrefix: string;
};

/**
 * An EventConsumer in a private group that deletes its group when stopped. `stop` may be called
 * early (e.g. from onModuleDestroy, since leaving waits out a fetch) and awaited again later.
 */
export class PrivateFeed {
  readonly groupId: string;
  private consumer: EventConsumer | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: PrivateFeedOptions) {
    this.groupId = privateGroupId(opts.groupPrefix);
  }

  async start(): Promise<void> {
    const { groupPrefix: _prefix, ...options } = this.opts;
    const consumer = new EventConsumer({ ...options, groupId: this.groupId });
    await consumer.start();
    this.consumer = consumer;
  }

  stop(): Promise<void> {
    this.stopping ??= this.leave();
    return this.stopping;
  }

  private async leave(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    try {
      await consumer.stop();
    } catch (error) {
      this.opts.logger.warn({ err: error, groupId: this.groupId }, 'a feed did not stop cleanly');
      return;
    }
    await deletePrivateGroup(this.opts.kafka, this.groupId, this.opts.logger);
  }
}
