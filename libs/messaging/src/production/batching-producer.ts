import type { Kafka, Message, Producer } from 'kafkajs';
import { createProducer } from '../kafka-client';
import { RecordBatcher } from './record-batcher';

export interface BatchingProducerOptions {
  /** Produce requests on the wire at once. */
  maxInFlight?: number;
  maxBatch?: number;
  maxQueued?: number;
}

/**
 * A plain (non-idempotent) producer behind a RecordBatcher, for records that may be written more
 * than once and in any order, such as lease renewals. Concurrent callers are safe here; they are
 * not on kafkajs's idempotent producer, which is why the outbox relay keeps that one to itself.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly batcher: RecordBatcher;

  constructor(kafka: Kafka, opts: BatchingProducerOptions = {}) {
    this.producer = createProducer(kafka);
    this.batcher = new RecordBatcher({
      send: (topicMessages) => this.producer.sendBatch({ topicMessages, acks: -1 }),
      maxInFlight: opts.maxInFlight ?? 2,
      maxBatch: opts.maxBatch,
      maxQueued: opts.maxQueued,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves when the record is acknowledged by all in-sync replicas. */
  add(topic: string, message: Message): Promise<void> {
    return this.batcher.add(topic, message);
  }
}
