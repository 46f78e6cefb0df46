// What every consumer of ours shares: a consumer-group member with a producer for dead letters,
// whose dead-letter topics exist before its first record, and which starts itself again after a
// crash kafkajs will not restart from.
import { deadLetterTopicOf, topicSpecOf } from '@mcp/protocol';
import { RetryPolicy } from '@mcp/resilience';
import type { Logger } from '@mcp/telemetry';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { createProducer } from '../kafka-client';
import { ensureTopics } from '../topics';

export interface GroupMemberOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** How long the group waits for a silent member before moving its partitions (kafkajs: 30 s). */
  sessionTimeoutMs?: number;
  /** Delays between attempts to start again after kafkajs gave up on the consumer. */
  restartPolicy?: RetryPolicy;
}

export abstract class GroupMember {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopping = new AbortController();
  /** Set by stop(): a crash after it is not restarted. */
  private closed = false;
  private readonly restartPolicy: RetryPolicy;

  protected constructor(
    private readonly member: GroupMemberOptions,
    protected readonly log: Logger,
  ) {
    this.restartPolicy = member.restartPolicy ?? new RetryPolicy();
  }

  /** Aborted when the member stops (or crashes): work in progress should give up then. */
  protected get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** The dead-letter producer; throws once the member has stopped. */
  protected get deadLetterProducer(): Producer {
    if (!this.producer) throw new Error('the consumer is stopped');
    return this.producer;
  }

  /** Hooks listeners on a new consumer before it joins (e.g. GROUP_JOIN). */
  protected prepare(_consumer: Consumer): void {
    // nothing by default
  }

  /** Starts consuming: `consumer.run(...)` with the subclass's handler. */
  protected abstract run(consumer: Consumer): Promise<void>;

  async start(): Promise<void> {
    if (this.consumer) return;
    this.closed = false;
    this.stopping = new AbortController();
    await ensureTopics(
      this.member.kafka,
      this.member.topics.map((topic) => {
        const name = deadLetterTopicOf(topic);
        return topicSpecOf(name) ?? { name, partitions: 1 };
      }),
    );
    const producer = createProducer(this.member.kafka);
    const consumer = this.member.kafka.consumer({
      groupId: this.member.groupId,
      ...(this.member.sessionTimeoutMs ? { sessionTimeout: this.member.sessionTimeoutMs } : {}),
    });
    this.prepare(consumer);
    this.producer = producer;
    this.consumer = consumer;
    // kafkajs restarts a consumer after retriable failures by itself; after any other it stops
    // for good, which would silently end this consumer's work. Start it again instead.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.consumer !== consumer) return;
      this.log.error({ err: payload.error }, 'consumer stopped after a failure; starting it again');
      void this.restartAfterCrash();
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: this.member.topics,
      fromBeginning: this.member.fromBeginning ?? false,
    });
    await this.run(consumer);
  }

  /** Leaves the group; what is being handled is not committed and goes to the next owner. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.teardown();
  }

  private async restartAfterCrash(): Promise<void> {
    await this.teardown().catch(() => undefined);
    for (let attempt = 1; !this.closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, this.restartPolicy.delayFor(attempt)));
      if (this.closed) return;
      try {
        await this.start();
        return;
      } catch (error) {
        this.log.warn({ err: error, attempt }, 'restarting the consumer failed; trying again');
        await this.teardown().catch(() => undefined);
      }
    }
  }

  private async teardown(): Promise<void> {
    this.stopping.abort(new Error('consumer stopping'));
    const { consumer, producer } = this;
    this.consumer = undefined;
    this.producer = undefined;
    await consumer?.disconnect();
    await producer?.disconnect();
  }
}
