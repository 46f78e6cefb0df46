import type { Logger } from '@mcp/telemetry';

/** Who this process is: reported by status replies, logs and metrics. */
export interface ServiceIdentity {
  name: 'gateway' | 'registry' | 'config' | 'scheduler';
  version: string;
  /** The Postgres schema this service owns. */
  schema: string;
  startedAt: Date;
}

export const SERVICE_IDENTITY = Symbol('ServiceIdentity');
export const SERVICE_LOGGER = Symbol('ServiceLogger');
export const KAFKA = Symbol('Kafka');
/**
 * The outbox relay's idempotent producer. Not for other callers: kafkajs's idempotent producer
 * misbehaves under concurrent sends (lost records, a lock error after a reconnect); use a
 * BatchingProducer or createProducer for anything else.
 */
export const KAFKA_PRODUCER = Symbol('KafkaProducer');

export type ServiceLogger = Logger;
