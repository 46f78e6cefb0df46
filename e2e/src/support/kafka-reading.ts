// Reading what the apps wrote to Kafka the way any outside client would: a plain kafkajs consumer.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

/** The test's Kafka brokers, as the jest global setup announces them. */
export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '').split(',');
}

/** A quiet kafkajs client of the test's Kafka. */
export function kafkaClient(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

let reader: Kafka | undefined;

/**
 * Reads `topic` from the beginning, in a consumer group of its own, until `enough` holds of the
 * messages seen so far; answers them all. Fails when `enough` still does not hold after
 * `timeoutMs`.
 */
export async function readTopic(
  topic: string,
  enough: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 20000,
): Promise<KafkaMessage[]> {
  reader ??= kafkaClient('e2e-topic-reader');
  const consumer = reader.consumer({ groupId: `e2e-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (!enough(messages) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!enough(messages)) {
      throw new Error(`not enough matching messages on ${topic} within ${timeoutMs} ms`);
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** A Kafka header of `message` as text. */
export function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}
