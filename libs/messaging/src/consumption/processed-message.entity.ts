import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One event a consumer has applied; its primary key is what makes a redelivery a no-op. */
@Entity({ name: 'processed_messages' })
export class ProcessedMessage {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
