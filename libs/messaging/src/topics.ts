// Topic provisioning at start-up: create what is missing, never change what exists.
import type { TopicSpec } from '@mcp/protocol';
import type { ITopicConfig, Kafka } from 'kafkajs';

const LEADER_WAIT_MS = 30_000;

/** The kafkajs create request for one of our topic specifications. */
export function topicConfigOf(spec: TopicSpec): ITopicConfig {
  const configEntries: { name: string; value: string }[] = [];
  if (spec.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
  if (spec.retentionMs !== undefined) {
    configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  }
  if (spec.logAppendTime) {
    configEntries.push({ name: 'message.timestamp.type', value: 'LogAppendTime' });
  }
  return { topic: spec.name, numPartitions: spec.partitions, configEntries };
}

function isAlreadyExists(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, errors } = error as { type?: unknown; errors?: unknown };
  if (type === 'TOPIC_ALREADY_EXISTS') return true;
  // createTopics reports per-topic failures in `errors` of a KafkaJSAggregateError.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isAlreadyExists);
}

/**
 * Creates the topics that do not exist yet (a replica racing us is fine) and waits until every
 * partition of every topic has a leader, so the first produce does not fail.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing.map(topicConfigOf), waitForLeaders: true });
      } catch (error: unknown) {
        if (!isAlreadyExists(error)) throw error;
      }
    }
    await waitForLeaders(
      admin,
      specs.map((spec) => spec.name),
    );
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (topic) =>
          topic.partitions.length > 0 &&
          topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return;
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`topics have no leader after ${LEADER_WAIT_MS} ms: ${topics.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
