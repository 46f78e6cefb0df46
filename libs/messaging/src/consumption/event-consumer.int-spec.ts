import { decodeCloudEvent, encodeCloudEvent, createEvent } from '@mcp/protocol';
import { RetryPolicy } from '@mcp/resilience';
import type { Kafka, Producer } from 'kafkajs';
import { DeadLetterHeader } from '../headers';
import { createKafka, createProducer } from '../kafka-client';
import {
  eventually,
  infraEnv,
  quietLogger,
  text,
  TopicCollector,
  uniqueSuffix,
  widgetCreated,
  type WidgetData,
} from '../testing/int-fixtures';
import { ensureTopics } from '../topics';
import { EventConsumer, type ConsumedEvent } from './event-consumer';

const logger = quietLogger();

describe('EventConsumer', () => {
  let kafka: Kafka;
  let producer: Producer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: infraEnv().brokers, clientId: 'consumer-int', logger });
    producer = createProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  it('dead-letters malformed and unhandleable records with the reason and keeps consuming the partition', async () => {
    const topic = `test.consumer.dlq.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    const def = widgetCreated(topic);
    const widget = (id: string, seq: number): WidgetData => ({
      id,
      tenantId: 't-1',
      name: `widget ${id}`,
      seq,
    });
    const valid = (data: WidgetData) => {
      const { event, partitionKey } = createEvent(def, data);
      return { event, record: encodeCloudEvent(event, partitionKey) };
    };

    const first = valid(widget('w-1', 1));
    const notJson = { ...valid(widget('w-2', 2)).record, value: '{not json' };
    const { ce_type: _type, ...withoutType } = valid(widget('w-3', 3)).record.headers;
    const missingType = { ...valid(widget('w-3', 3)).record, headers: withoutType };
    const schemaInvalid = {
      ...valid(widget('w-4', 4)).record,
      value: JSON.stringify({ id: 'w-4', tenantId: 't-1', name: '', seq: 'four' }),
    };
    const unhandleable = valid(widget('w-5', 5));
    const flaky = valid(widget('w-6', 6));
    const last = valid(widget('w-7', 7));
    const records = [
      first.record,
      notJson,
      missingType,
      schemaInvalid,
      unhandleable.record,
      flaky.record,
      last.record,
    ];
    await producer.send({ topic, messages: records });

    const handled: ConsumedEvent<unknown>[] = [];
    let flakyAttempts = 0;
    const consumer = new EventConsumer({
      kafka,
      groupId: `consumer-int-${uniqueSuffix()}`,
      topics: [topic],
      definitions: (type) => (type === def.type ? def : undefined),
      retry: new RetryPolicy({
        maxAttempts: 3,
        backoff: { baseMs: 10, maxMs: 50, jitter: 'none' },
      }),
      logger,
      fromBeginning: true,
      handle: async (consumed) => {
        if (consumed.event.id === unhandleable.event.id) {
          throw new Error('widget w-5 cannot be applied');
        }
        if (consumed.event.id === flaky.event.id && flakyAttempts++ === 0) {
          throw Object.assign(new Error('database restarting'), { code: 'ECONNRESET' });
        }
        handled.push(consumed);
      },
    });
    cleanups.push(() => consumer.stop());
    await consumer.start();

    const deadLetters = await new TopicCollector(kafka, `${topic}.dlq`).start();
    cleanups.push(() => deadLetters.stop());
    await eventually(() => expect(handled.map((e) => e.event.id)).toHaveLength(3));
    expect(handled.map((e) => e.event.id)).toEqual([first.event.id, flaky.event.id, last.event.id]);
    expect(handled[2]).toMatchObject({ topic, partition: 0, offset: '6' });
    expect(handled[0]?.event).toEqual(first.event);
    expect(flakyAttempts).toBe(2);

    const parked = await deadLetters.waitFor(4);
    const summary = parked.map((message) => ({
      stage: text(message.headers?.[DeadLetterHeader.Stage] as Buffer),
      offset: text(message.headers?.[DeadLetterHeader.Offset] as Buffer),
      topic: text(message.headers?.[DeadLetterHeader.Topic] as Buffer),
      partition: text(message.headers?.[DeadLetterHeader.Partition] as Buffer),
      reason: text(message.headers?.[DeadLetterHeader.Reason] as Buffer),
      key: text(message.key),
      value: text(message.value),
    }));
    expect(summary).toEqual([
      {
        stage: 'decode',
        offset: '1',
        topic,
        partition: '0',
        reason: expect.stringContaining('not valid JSON'),
        key: 'w-2',
        value: '{not json',
      },
      {
        stage: 'decode',
        offset: '2',
        topic,
        partition: '0',
        reason: 'header ce_type is missing',
        key: 'w-3',
        value: missingType.value,
      },
      {
        stage: 'validate',
        offset: '3',
        topic,
        partition: '0',
        reason: expect.stringMatching(/breaks its schema.*name.*seq/s),
        key: 'w-4',
        value: schemaInvalid.value,
      },
      {
        stage: 'handle',
        offset: '4',
        topic,
        partition: '0',
        reason: 'Error: widget w-5 cannot be applied',
        key: 'w-5',
        value: unhandleable.record.value,
      },
    ]);
    // The original CloudEvents headers travel with the dead letter, so it can be replayed.
    expect(decodeCloudEvent(parked[3] as NonNullable<(typeof parked)[3]>)).toEqual(
      unhandleable.event,
    );
    expect(text(parked[0]?.headers?.[DeadLetterHeader.Time] as Buffer)).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
  });
});
