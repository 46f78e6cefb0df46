// Consumes raw records a partition's batch at a time: for topics whose records are not our
// CloudEvents (what tenants write onto ingress topics), where the handler vets every record
// itself and handling a batch together lets its writes share produce requests.
import type { RetryPolicy } from '@mcp/resilience';
import { createCounter, type Logger } from '@mcp/telemetry';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, Producer } from 'kafkajs';
import { publishDeadLetters, type DeadLetter } from './dead-letter';
import { GroupMember } from './group-member';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders | undefined;
  /** Kafka's timestamp, ms since the epoch: the broker's own on a LogAppendTime topic. */
  timestamp: number;
}

export interface RecordBatchContext {
  /** Parks records on their topics' `.dlq` in one produce request; rejects if Kafka refuses. */
  deadLetter(letters: DeadLetter[]): Promise<void>;
  /** Aborted when the consumer stops: throw then, so the batch is left to the next owner. */
  signal: AbortSignal;
  /** Tells the group this member is alive, during a long batch. */
  heartbeat(): Promise<void>;
}

export interface RecordBatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /**
   * Handles one partition's batch, in offset order as delivered. Resolving commits the whole
   * batch; rejecting has it delivered again — so a handler deals with a bad record itself
   * (dead-letters or drops it) and rejects only when it could not do its work at all.
   */
  handleBatch: (records: ConsumedRecord[], context: RecordBatchContext) => Promise<void>;
  logger: Logger;
  fromBeginning?: boolean;
  /** Partitions whose batches are handled at once (kafkajs: 1). */
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** Delays between attempts to start again after kafkajs gave up on the consumer. */
  restartPolicy?: RetryPolicy;
}

// The same series EventConsumer counts into: one place to watch for parked records.
const deadLettered = createCounter({
  name: 'mcp_events_dead_lettered_total',
  help: 'Consumed records parked on a dead-letter topic',
  labelNames: ['topic', 'stage'],
});

/**
 * A consumer-group member that hands over whole batches of raw records and commits each batch
 * once its handler resolved. Like EventConsumer it starts itself again after a crash kafkajs
 * would not restart, and makes sure the dead-letter topics exist before the first batch.
 */
export class RecordBatchConsumer extends GroupMember {
  constructor(private readonly opts: RecordBatchConsumerOptions) {
    super(opts, opts.logger.child({ component: 'record-batch-consumer', groupId: opts.groupId }));
  }

  protected run(consumer: Consumer): Promise<void> {
    const producer = this.deadLetterProducer;
    return consumer.run({
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.process(payload, producer),
    });
  }

  private async process({ batch, heartbeat }: EachBatchPayload, producer: Producer) {
    const signal = this.stopSignal;
    // kafkajs resolves the whole batch when this returns: a stopping member must throw instead.
    if (signal.aborted) throw signal.reason;
    const records: ConsumedRecord[] = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
      timestamp: Number(message.timestamp),
    }));
    await this.opts.handleBatch(records, {
      deadLetter: async (letters) => {
        if (letters.length === 0) return;
        // One line per batch: a writer sending garbage must not multiply the log volume.
        const [first] = letters;
        this.log.warn(
          {
            topic: batch.topic,
            partition: batch.partition,
            records: letters.length,
            firstOffset: first.source.offset,
            lastOffset: letters[letters.length - 1].source.offset,
            stage: first.stage,
            reason: first.reason,
          },
          "records sent to the dead-letter topic (the first one's reason shown)",
        );
        // If this throws (Kafka down) the batch is delivered again: nothing is silently lost.
        await publishDeadLetters(producer, letters);
        for (const { source, stage } of letters) deadLettered.inc({ topic: source.topic, stage });
      },
      signal,
      heartbeat,
    });
  }
}
