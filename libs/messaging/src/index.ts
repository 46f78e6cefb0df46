export {
  createKafka,
  createIdempotentProducer,
  createProducer,
  kafkaLogCreator,
  partitionOfKey,
} from './kafka-client';
export type { KafkaClientOptions, KafkaLogLevel } from './kafka-client';
export { ensureTopics, topicConfigOf } from './topics';
export { TRACEPARENT_HEADER, DeadLetterHeader, deadLetterHeaders, headersAsText } from './headers';
export type { DeadLetterSource, DeadLetterStage } from './headers';
export { OutboxRecord } from './outbox/outbox-record.entity';
export { Outbox } from './outbox/outbox';
export type { OutboxOptions } from './outbox/outbox';
export { OutboxRelay, kafkaHeadersOf } from './outbox/outbox-relay';
export type { OutboxRelayOptions } from './outbox/outbox-relay';
export { ProcessedMessage } from './consumption/processed-message.entity';
export { consumeOnce } from './consumption/consume-once';
export { EventConsumer } from './consumption/event-consumer';
export type {
  ConsumedEvent,
  EventConsumerOptions,
  PartitionAssignment,
  Tombstone,
} from './consumption/event-consumer';
export { publishDeadLetter, publishDeadLetters } from './consumption/dead-letter';
export type { DeadLetter } from './consumption/dead-letter';
export { RecordBatchConsumer } from './consumption/record-batch-consumer';
export type {
  ConsumedRecord,
  RecordBatchConsumerOptions,
  RecordBatchContext,
} from './consumption/record-batch-consumer';
export {
  CreateMessagingTables1735689600000,
  messagingMigrations,
  messagingEntities,
} from './messaging-tables.migration';
export { RecordBatcher, RecordQueueFullError } from './production/record-batcher';
export type { RecordBatcherOptions } from './production/record-batcher';
export { PrivateFeed, privateGroupId, deletePrivateGroup } from './consumption/private-group';
export type { PrivateFeedOptions } from './consumption/private-group';
export { BatchingProducer } from './production/batching-producer';
export type { BatchingProducerOptions } from './production/batching-producer';
export { ReplayProgress, endOffsets } from './consumption/replay-progress';
