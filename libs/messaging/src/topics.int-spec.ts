import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';
import { infraEnv, quietLogger, uniqueSuffix } from './testing/int-fixtures';
import { ensureTopics } from './topics';

describe('ensureTopics', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = createKafka({
      brokers: infraEnv().brokers,
      clientId: 'topics-int',
      logger: quietLogger(),
    });
  });

  it('creates topics once, however often and concurrently it is called, and compacts when asked', async () => {
    const suffix = uniqueSuffix();
    const events = `test.topics.events.${suffix}`;
    const state = `test.topics.state.${suffix}`;
    const specs = [
      { name: events, partitions: 3 },
      {
        name: state,
        partitions: 2,
        compacted: true,
        retentionMs: 3_600_000,
      },
    ];

    await Promise.all([ensureTopics(kafka, specs), ensureTopics(kafka, specs)]);
    await ensureTopics(kafka, specs);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
      expect(
        Object.fromEntries(topics.map((topic) => [topic.name, topic.partitions.length])),
      ).toEqual({ [events]: 3, [state]: 2 });

      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: specs.map((spec) => ({
          type: ConfigResourceTypes.TOPIC,
          name: spec.name,
          configNames: ['cleanup.policy', 'retention.ms'],
        })),
      });
      const configs = Object.fromEntries(
        resources.map((resource) => [
          resource.resourceName,
          Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue])),
        ]),
      );
      expect(configs[events]?.['cleanup.policy']).toBe('delete');
      expect(configs[state]).toEqual({
        'cleanup.policy': 'compact',
        'retention.ms': '3600000',
      });
    } finally {
      await admin.disconnect();
    }
  });
});
