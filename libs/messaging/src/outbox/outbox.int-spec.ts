import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { decodeCloudEvent, type CloudEvent } from '@mcp/protocol';
import { Kafka, Partitioners, type Producer } from 'kafkajs';
import { createIdempotentProducer, createKafka } from '../kafka-client';
import {
  eventually,
  infraEnv,
  quietLogger,
  serviceDatabase,
  text,
  TopicCollector,
  uniqueSuffix,
  widgetCreated,
  type WidgetData,
} from '../testing/int-fixtures';
import { ensureTopics } from '../topics';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

const logger = quietLogger();

describe('transactional outbox', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  const tracerProvider = new BasicTracerProvider();
  let kafka: Kafka;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    kafka = createKafka({ brokers: infraEnv().brokers, clientId: 'outbox-int', logger });
  });

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  afterAll(async () => {
    await tracerProvider.shutdown();
    trace.disable();
    context.disable();
  });

  async function connectedProducer(producer: Producer): Promise<Producer> {
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return producer;
  }

  it('publishes a committed change as a binary-mode CloudEvent with its traceparent, and nothing for a rolled-back one', async () => {
    const db = await serviceDatabase('commit');
    cleanups.push(db.drop);
    const topic = `test.outbox.commit.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ name: topic, partitions: 3 }]);
    const def = widgetCreated(topic);
    const outbox = new Outbox();
    const relay = new OutboxRelay({
      dataSource: db.dataSource,
      producer: await connectedProducer(createIdempotentProducer(kafka)),
      logger,
      pollIntervalMs: 50,
    });
    relay.start();
    cleanups.push(() => relay.stop());
    const collector = await new TopicCollector(kafka, topic).start();
    cleanups.push(() => collector.stop());

    const rolledBack: WidgetData = { id: 'w-0', tenantId: 't-1', name: 'never', seq: 0 };
    await expect(
      db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO widgets (id, tenant_id, name) VALUES ($1, $2, $3)`, [
          rolledBack.id,
          rolledBack.tenantId,
          rolledBack.name,
        ]);
        await outbox.add(manager, def, rolledBack);
        throw new Error('the request failed after writing');
      }),
    ).rejects.toThrow('the request failed after writing');
    relay.wake();

    const committed: WidgetData = { id: 'w-1', tenantId: 't-1', name: 'first', seq: 1 };
    const writer = trace.getTracer('test').startSpan('POST /widgets');
    const event: CloudEvent<WidgetData> = await context.with(
      trace.setSpan(context.active(), writer),
      () =>
        db.dataSource.transaction(async (manager) => {
          await manager.query(`INSERT INTO widgets (id, tenant_id, name) VALUES ($1, $2, $3)`, [
            committed.id,
            committed.tenantId,
            committed.name,
          ]);
          return outbox.add(manager, def, committed);
        }),
    );
    writer.end();
    relay.wake();

    const [message] = await collector.waitFor(1);
    // Give a wrongly published rolled-back event every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.messages).toHaveLength(1);

    expect(text(message?.key)).toBe('w-1');
    const headers = Object.fromEntries(
      Object.entries(message?.headers ?? {}).map(([name, value]) => [name, text(value as Buffer)]),
    );
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'mcp.test.widget.created.v1',
      ce_source: '/mcp/test',
      ce_time: event.time,
      ce_tenant: 't-1',
      'content-type': 'application/json',
    });
    // The publish span is a child of the writer's span: same trace, its own span id.
    const writerContext = writer.spanContext();
    expect(headers['traceparent']).toMatch(
      new RegExp(`^00-${writerContext.traceId}-(?!${writerContext.spanId})[0-9a-f]{16}-01$`),
    );
    expect(decodeCloudEvent(message as NonNullable<typeof message>)).toEqual(event);

    const rows = await db.dataSource.query(`SELECT event_id, published_at FROM outbox ORDER BY id`);
    expect(rows).toEqual([{ event_id: event.id, published_at: expect.any(Date) }]);
    expect(await db.dataSource.query(`SELECT id FROM widgets`)).toEqual([{ id: 'w-1' }]);
  });

  it('publishes a tombstone (a keyed record with no value) for a compacted topic, in order after the event it removes', async () => {
    const db = await serviceDatabase('tombstone');
    cleanups.push(db.drop);
    const topic = `test.outbox.tombstone.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1, compacted: true }]);
    const def = widgetCreated(topic);
    const outbox = new Outbox();
    const relay = new OutboxRelay({
      dataSource: db.dataSource,
      producer: await connectedProducer(createIdempotentProducer(kafka)),
      logger,
      pollIntervalMs: 50,
    });
    relay.start();
    cleanups.push(() => relay.stop());
    const collector = await new TopicCollector(kafka, topic).start();
    cleanups.push(() => collector.stop());

    const widget: WidgetData = { id: 'w-t', tenantId: 't-1', name: 'short-lived', seq: 1 };
    await db.dataSource.transaction((manager) => outbox.add(manager, def, widget));
    await db.dataSource.transaction((manager) => outbox.addTombstone(manager, topic, widget.id));
    relay.wake();

    const [created, tombstone] = await collector.waitFor(2);
    expect(created.key?.toString()).toBe(widget.id);
    expect(tombstone.key?.toString()).toBe(widget.id);
    expect(tombstone.value).toBeNull();
  });

  it('refuses to write an event outside a transaction', async () => {
    const db = await serviceDatabase('notx');
    cleanups.push(db.drop);
    const def = widgetCreated(`test.outbox.notx.${uniqueSuffix()}`);
    await expect(
      new Outbox().add(db.dataSource.manager, def, { id: 'w', tenantId: 't', name: 'n', seq: 1 }),
    ).rejects.toThrow(/open transaction/);
  });

  it('loses nothing across a failing and a restarted relay, and keeps each key in order', async () => {
    const db = await serviceDatabase('restart');
    cleanups.push(db.drop);
    const topic = `test.outbox.restart.${uniqueSuffix()}`;
    const def = widgetCreated(topic);
    const outbox = new Outbox();

    // Written while no relay runs; the topic does not even exist yet.
    const keys = ['a', 'b', 'c'];
    const written: CloudEvent<WidgetData>[] = [];
    for (let seq = 1; seq <= 10; seq++) {
      await db.dataSource.transaction(async (manager) => {
        for (const key of keys) {
          written.push(
            await outbox.add(manager, def, { id: `w-${key}`, tenantId: 't-1', name: key, seq }),
          );
        }
      });
    }

    // A relay whose sends fail (no such topic) must leave every row unpublished.
    const failing = new OutboxRelay({
      dataSource: db.dataSource,
      producer: await connectedProducer(
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          retry: { retries: 1, initialRetryTime: 50 },
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      ),
      logger,
      batchSize: 7,
      pollIntervalMs: 50,
    });
    failing.start();
    await eventually(async () => {
      const [row] = await db.dataSource.query(
        `SELECT count(*)::int AS failed FROM outbox WHERE attempts > 0 AND last_error IS NOT NULL`,
      );
      expect(row.failed).toBeGreaterThan(0);
    });
    await failing.stop();
    const [unpublished] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect(unpublished.n).toBe(30);

    await ensureTopics(kafka, [{ name: topic, partitions: 2 }]);
    const relay = new OutboxRelay({
      dataSource: db.dataSource,
      producer: await connectedProducer(createIdempotentProducer(kafka)),
      logger,
      batchSize: 7,
      pollIntervalMs: 50,
    });
    relay.start();
    cleanups.push(() => relay.stop());
    const collector = await new TopicCollector(kafka, topic).start();
    cleanups.push(() => collector.stop());

    const messages = await collector.waitFor(30);
    expect(messages).toHaveLength(30);
    const received = messages.map((message) => decodeCloudEvent(message));
    expect(new Set(received.map((event) => event.id))).toEqual(
      new Set(written.map((event) => event.id)),
    );
    for (const key of keys) {
      const sequence = received
        .filter((event) => (event.data as WidgetData).id === `w-${key}`)
        .map((event) => (event.data as WidgetData).seq);
      expect(sequence).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    await eventually(async () => {
      const [row] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
      );
      expect(row.n).toBe(0);
    });
  });
});
