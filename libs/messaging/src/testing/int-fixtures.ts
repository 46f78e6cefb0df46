// Shared set-up for the messaging int-specs: a migrated service schema, a test event type and a
// collector that reads a topic back. Real Kafka and Postgres from the int-test globalSetup.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { runMigrations, serviceDataSourceOptions } from '@mcp/persistence';
import { defineEvent } from '@mcp/protocol';
import { createLogger, type Logger } from '@mcp/telemetry';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { messagingEntities, messagingMigrations } from '../messaging-tables.migration';

export function infraEnv(): { brokers: string[]; databaseUrl: string } {
  const brokers = process.env['KAFKA_BROKERS'];
  const databaseUrl = process.env['DATABASE_URL'];
  if (!brokers || !databaseUrl) {
    throw new Error('KAFKA_BROKERS and DATABASE_URL must be set (the int-test globalSetup does)');
  }
  return { brokers: brokers.split(','), databaseUrl };
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A logger that keeps test output quiet; warnings and errors still show. */
export function quietLogger(): Logger {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return createLogger({ service: 'messaging-int', level: 'warn', destination: sink });
}

/** The state a test service changes together with its outbox. */
export class CreateWidgets1735689600001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE widgets (id text PRIMARY KEY, tenant_id text NOT NULL, name text NOT NULL)`,
    );
    await queryRunner.query(`CREATE TABLE counters (name text PRIMARY KEY, value int NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE counters`);
    await queryRunner.query(`DROP TABLE widgets`);
  }
}

/** A migrated data source on a fresh schema; `drop()` removes the schema and closes it. */
export async function serviceDatabase(
  label: string,
): Promise<{ dataSource: DataSource; schema: string; drop(): Promise<void> }> {
  const schema = `msg_${label}_${uniqueSuffix()}`;
  const dataSource = await new DataSource(
    serviceDataSourceOptions({
      url: infraEnv().databaseUrl,
      schema,
      applicationName: `messaging-int-${label}`,
      entities: messagingEntities,
      migrations: [...messagingMigrations, CreateWidgets1735689600001],
      poolSize: 5,
    }),
  ).initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    schema,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

export const WidgetData = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string().min(1),
  seq: z.number().int(),
});
export type WidgetData = z.infer<typeof WidgetData>;

/** A test event type on its own topic, keyed by widget id. */
export function widgetCreated(topic: string) {
  return defineEvent({
    type: 'mcp.test.widget.created.v1',
    topic,
    source: '/mcp/test',
    description: 'A widget was created (tests only).',
    schema: WidgetData,
    partitionKey: (d) => d.id,
    tenantOf: (d) => d.tenantId,
  });
}

/** Reads a topic from the beginning into memory. */
export class TopicCollector {
  readonly messages: KafkaMessage[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer({ groupId: `collector-${topic}-${uniqueSuffix()}` });
  }

  async start(): Promise<this> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.messages.push(message);
      },
    });
    return this;
  }

  /** Waits until at least `count` messages arrived; fails the test after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
    await eventually(() => {
      if (this.messages.length < count) {
        throw new Error(`${this.topic}: ${this.messages.length} of ${count} messages arrived`);
      }
    }, timeoutMs);
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Retries `check` until it stops throwing or the time is up (then throws its last error). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export function text(value: Buffer | string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : value.toString();
}
