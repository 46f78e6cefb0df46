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
} from '../testing/int-fixtures';
import { ensureTopics } from '../topics';
import { RecordBatchConsumer, type ConsumedRecord } from './record-batch-consumer';

const logger = quietLogger();

describe('RecordBatchConsumer', () => {
  let kafka: Kafka;
  let producer: Producer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: infraEnv().brokers, clientId: 'batch-int', logger });
    producer = createProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  async function consume(
    topic: string,
    groupId: string,
    handleBatch: ConstructorParameters<typeof RecordBatchConsumer>[0]['handleBatch'],
  ) {
    const consumer = new RecordBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      fromBeginning: true,
      logger,
      handleBatch,
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());
    return consumer;
  }

  it('hands over raw records with their headers and timestamps, and parks what the handler refuses, with the reason', async () => {
    const topic = `test.batch.raw.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: 'good', headers: { who: 'a' } },
        { key: 'k', value: 'bad', headers: { who: 'b', secret: 's3cret' } },
        { key: 'k', value: 'good again' },
      ],
    });

    const seen: ConsumedRecord[] = [];
    await consume(topic, `batch-raw-${uniqueSuffix()}`, async (records, context) => {
      seen.push(...records);
      const refused = records.filter((r) => text(r.value) === 'bad');
      await context.deadLetter(
        refused.map((r) => {
          const { secret: _secret, ...headers } = r.headers ?? {};
          return { source: { ...r, headers }, reason: 'it said bad', stage: 'validate' };
        }),
      );
    });
    const parked = new TopicCollector(kafka, `${topic}.dlq`);
    await parked.start();
    cleanups.push(() => parked.stop());

    await eventually(() => expect(seen.map((r) => text(r.value))).toHaveLength(3));
    expect(seen.map((r) => [text(r.value), r.offset])).toEqual([
      ['good', '0'],
      ['bad', '1'],
      ['good again', '2'],
    ]);
    expect(text(seen[0].headers?.who as Buffer)).toBe('a');
    expect(Math.abs(seen[0].timestamp - Date.now())).toBeLessThan(60_000);

    const [letter] = await parked.waitFor(1);
    expect(text(letter.value)).toBe('bad');
    expect(text(letter.headers?.[DeadLetterHeader.Reason] as Buffer)).toBe('it said bad');
    expect(text(letter.headers?.[DeadLetterHeader.Offset] as Buffer)).toBe('1');
    expect(text(letter.headers?.who as Buffer)).toBe('b');
    expect(letter.headers?.secret).toBeUndefined();
  });

  it('delivers a batch again when its handler rejects, and commits it once the handler resolves', async () => {
    const topic = `test.batch.again.${uniqueSuffix()}`;
    const groupId = `batch-again-${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    await producer.send({ topic, messages: [{ value: 'one' }, { value: 'two' }] });

    let attempts = 0;
    const handled: string[] = [];
    const first = await consume(topic, groupId, async (records) => {
      attempts += 1;
      if (attempts === 1) throw new Error('lease stream unreachable');
      handled.push(...records.map((r) => text(r.value) ?? ''));
    });
    await eventually(() => expect(handled).toEqual(['one', 'two']));
    expect(attempts).toBe(2);
    await first.stop();

    // A new member of the same group starts after the committed batch.
    await producer.send({ topic, messages: [{ value: 'three' }] });
    const later: string[] = [];
    await consume(topic, groupId, async (records) => {
      later.push(...records.map((r) => text(r.value) ?? ''));
    });
    await eventually(() => expect(later).toEqual(['three']));
  });
});
