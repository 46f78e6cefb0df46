import type { Kafka, Message, Producer } from 'kafkajs';
import { createCounter, createHistogram } from '@mcp/telemetry';
import { createProducer } from '../kafka-client';
import { RecordBatcher } from './record-batcher';

const sendSeconds = createHistogram({
  name: 'mcp_kafka_batch_send_seconds',
  help: 'Produce requests of batching producers, from send to acknowledgement',
  labelNames: ['producer', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
const batchedRecords = createCounter({
  name: 'mcp_kafka_batched_records_total',
  help: 'Records sent by batching producers (divide by the request count for the batch size)',
  labelNames: ['producer'],
});

export interface BatchingProducerOptions {
  /** Names the producer in metrics, e.g. `lease-renewals`. */
  name: string;
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

  constructor(kafka: Kafka, opts: BatchingProducerOptions) {
    this.producer = createProducer(kafka);
    this.batcher = new RecordBatcher({
      send: (topicMessages) => this.producer.sendBatch({ topicMessages, acks: -1 }),
      maxInFlight: opts.maxInFlight ?? 2,
      maxBatch: opts.maxBatch,
      maxQueued: opts.maxQueued,
      onSent: ({ records, seconds, ok }) => {
        sendSeconds.observe({ producer: opts.name, outcome: ok ? 'ok' : 'failed' }, seconds);
        batchedRecords.inc({ producer: opts.name }, records);
      },
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
