import { deadLetterTopicOf } from '@mcp/protocol';
import type { Producer } from 'kafkajs';
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
