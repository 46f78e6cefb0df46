import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event waiting to be (or already) published, written in the same transaction as the state
 * change it describes. The table lives in the owning service's schema.
 */
@Entity({ name: 'outbox' })
export class OutboxRecord {
  /** Insertion order; the relay publishes in this order. A bigint, so TypeORM reads a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'partition_key', type: 'text' })
  partitionKey!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The Kafka headers: CloudEvents `ce_*` attributes and the writer's `traceparent`. */
  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** The CloudEvent data as JSON text, published byte for byte as the record value. */
  /** The CloudEvent data as JSON; null for a tombstone on a compacted topic. */
  @Column({ type: 'text', nullable: true })
  payload!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
