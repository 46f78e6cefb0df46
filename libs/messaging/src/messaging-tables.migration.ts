import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ProcessedMessage } from './consumption/processed-message.entity';
import { OutboxRecord } from './outbox/outbox-record.entity';

// Table names are unqualified: the data source's search_path is the owning service's schema.
// The timestamp is early so these tables exist before any of a service's own migrations.
export class CreateMessagingTables1735689600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        partition_key text NOT NULL,
        event_type text NOT NULL,
        headers jsonb NOT NULL,
        payload text NULL, -- null: a tombstone for a compacted topic
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        attempts int NOT NULL DEFAULT 0,
        last_error text NULL
      )`);
    // The relay only ever scans the unpublished tail; the sweeper only the published rows.
    await queryRunner.query(
      `CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE processed_messages (
        consumer text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE processed_messages`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}

/** Add to the service's own `migrations` list (plain classes, as TypeORM expects). */
export const messagingMigrations: (new () => MigrationInterface)[] = [
  CreateMessagingTables1735689600000,
];
/** Add to the service's own `entities` list. */
export const messagingEntities: (new () => object)[] = [OutboxRecord, ProcessedMessage];
