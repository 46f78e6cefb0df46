// Consumes CloudEvents from Kafka: decode, validate, handle with retries, dead-letter the rest.
import {
  decodeCloudEvent,
  eventDefinitionOf,
  parseEventData,
  type CloudEvent,
  type EventDefinition,
} from '@mcp/protocol';
import { RetryPolicy } from '@mcp/resilience';
import { createCounter, type Logger } from '@mcp/telemetry';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { DeadLetterSource, DeadLetterStage } from '../headers';
import { publishDeadLetter } from './dead-letter';
import { GroupMember } from './group-member';

export interface ConsumedEvent<T> {
  event: CloudEvent<T>;
  topic: string;
  partition: number;
  offset: string;
  /** When the producer wrote the record (Kafka's timestamp, ms since the epoch). */
  timestamp: number;
}

/** The partitions this member owns after a rebalance, by topic. */
export type PartitionAssignment = Record<string, number[]>;

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Applies one event; throw to retry (retryable errors) or dead-letter (the rest). */
  handle: (e: ConsumedEvent<unknown>) => Promise<void>;
  /** The definition to validate an event type against; the protocol catalog by default. */
  definitions?: (type: string) => EventDefinition | undefined;
  retry?: RetryPolicy;
  logger: Logger;
  fromBeginning?: boolean;
  /**
   * Told the partitions this member owns after every rebalance, before any record of them is
   * handled — for work owned by partition assignment (lease clocks, schedule firing).
   */
  onAssignment?: (assignment: PartitionAssignment) => Promise<void> | void;
  /** How long the group waits for a silent member before moving its partitions (kafkajs: 30 s). */
  sessionTimeoutMs?: number;
  /**
   * For compacted topics: a record with a key and no value says the key is gone. Without this
   * option such a record cannot be decoded and is dead-lettered like any other bad record.
   */
  handleTombstone?: (t: Tombstone) => Promise<void> | void;
}

export interface Tombstone {
  key: string;
  topic: string;
  partition: number;
  offset: string;
}

const deadLettered = createCounter({
  name: 'mcp_events_dead_lettered_total',
  help: 'Consumed records parked on a dead-letter topic',
  labelNames: ['topic', 'stage'],
});

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * A consumer-group member that never crashes on a bad record and never blocks its partition:
 * a record that cannot be decoded or validated, or whose handling still fails after the retry
 * policy, is published to `<topic>.dlq` with the reason and its offset is committed.
 */
export class EventConsumer extends GroupMember {
  private readonly retry: RetryPolicy;
  private readonly definitions: (type: string) => EventDefinition | undefined;
  private assignmentApplied: Promise<void> = Promise.resolve();

  constructor(private readonly opts: EventConsumerOptions) {
    const retry = opts.retry ?? new RetryPolicy();
    super(
      { ...opts, restartPolicy: retry },
      opts.logger.child({ component: 'event-consumer', groupId: opts.groupId }),
    );
    this.retry = retry;
    this.definitions = opts.definitions ?? eventDefinitionOf;
  }

  protected override prepare(consumer: Consumer): void {
    const onAssignment = this.opts.onAssignment;
    if (!onAssignment) return;
    let applied = Promise.resolve();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assignment = { ...payload.memberAssignment } as PartitionAssignment;
      applied = applied
        .then(() => onAssignment(assignment))
        .catch((error: unknown) =>
          this.log.error({ err: error }, 'applying a partition assignment failed'),
        );
      this.assignmentApplied = applied;
    });
  }

  protected run(consumer: Consumer): Promise<void> {
    return consumer.run({ eachMessage: (payload) => this.process(payload) });
  }

  private async process({ topic, partition, message, heartbeat }: EachMessagePayload) {
    // Records of a newly assigned partition wait until its owner has loaded what it owns.
    await this.assignmentApplied;
    const source: DeadLetterSource = {
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
    };

    if (message.value === null && message.key !== null && this.opts.handleTombstone) {
      const tombstone = {
        key: message.key.toString('utf8'),
        topic,
        partition,
        offset: message.offset,
      };
      await this.opts.handleTombstone(tombstone);
      return;
    }

    let event: CloudEvent<unknown>;
    try {
      event = decodeCloudEvent(message);
    } catch (error: unknown) {
      return this.deadLetter(source, describeError(error), 'decode');
    }

    const definition = this.definitions(event.type);
    if (definition) {
      try {
        event = parseEventData(definition, event);
      } catch (error: unknown) {
        return this.deadLetter(source, describeError(error), 'validate');
      }
    }

    const consumed: ConsumedEvent<unknown> = {
      event,
      topic,
      partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
    };
    try {
      await this.retry.execute(() => this.opts.handle(consumed), {
        signal: this.stopSignal,
        onRetry: (error, attempt, delayMs) => {
          this.log.warn(
            { err: error, topic, partition, offset: message.offset, attempt, retryInMs: delayMs },
            'event handling failed; retrying',
          );
          // A long backoff must not cost the partition its group membership.
          void heartbeat().catch(() => undefined);
        },
      });
    } catch (error: unknown) {
      // Stopping: leave the offset uncommitted so the next owner handles the record.
      if (this.stopSignal.aborted) throw error;
      await this.deadLetter(source, describeError(error), 'handle');
    }
  }

  private async deadLetter(
    source: DeadLetterSource,
    reason: string,
    stage: DeadLetterStage,
  ): Promise<void> {
    const producer = this.deadLetterProducer;
    this.log.warn(
      { topic: source.topic, partition: source.partition, offset: source.offset, stage, reason },
      'record sent to the dead-letter topic',
    );
    // If this throws (Kafka down) kafkajs retries the record: it is never silently dropped.
    await publishDeadLetter(producer, source, reason, stage);
    deadLettered.inc({ topic: source.topic, stage });
  }
}
