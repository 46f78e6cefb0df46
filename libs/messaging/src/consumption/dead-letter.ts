import { deadLetterTopicOf } from '@mcp/protocol';
import type { Producer, TopicMessages } from 'kafkajs';
import { deadLetterHeaders, type DeadLetterSource, type DeadLetterStage } from '../headers';

/**
 * Parks a record on `<topic>.dlq` with its original key, value and headers, plus headers saying
 * where it came from and why, so it can be inspected and replayed.
 */
export async function publishDeadLetter(
  producer: Producer,
  source: DeadLetterSource,
  reason: string,
  stage: DeadLetterStage,
): Promise<void> {
  await producer.send({
    topic: deadLetterTopicOf(source.topic),
    acks: -1,
    messages: [
      { key: source.key, value: source.value, headers: deadLetterHeaders(source, reason, stage) },
    ],
  });
}

/** A record to park, and why. */
export interface DeadLetter {
  source: DeadLetterSource;
  reason: string;
  stage: DeadLetterStage;
}

/** Parks several records at once, each on its own topic's `.dlq`, in one produce request. */
export async function publishDeadLetters(
  producer: Producer,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const byTopic = new Map<string, TopicMessages>();
  for (const { source, reason, stage } of letters) {
    const topic = deadLetterTopicOf(source.topic);
    let entry = byTopic.get(topic);
    if (!entry) byTopic.set(topic, (entry = { topic, messages: [] }));
    entry.messages.push({
      key: source.key,
      value: source.value,
      headers: deadLetterHeaders(source, reason, stage),
    });
  }
  await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
}
