// The Kafka client every service uses: our retry settings, logs through the structured logger.
import { createLogger, type Logger } from '@mcp/telemetry';
import { Kafka, logLevel, Partitioners, type logCreator, type Producer } from 'kafkajs';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** kafkajs' own verbosity; `info` shows connects and group joins. */
  logLevel?: KafkaLogLevel;
}

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

function levelName(level: logLevel): KafkaLogLevel {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

/**
 * kafkajs logs every error response of a request at ERROR in its Connection namespace (a group
 * coordinator still loading, a partition without a leader yet) and then retries the request;
 * what finally fails is reported again by the producer, consumer or admin that made it. On a
 * fresh broker that is a page of "errors" on every normal start, so those lines are debug.
 */
function levelOf(namespace: string, level: logLevel, message: string): KafkaLogLevel {
  if (namespace === 'Connection' && message.startsWith('Response ')) return 'debug';
  return levelName(level);
}

/** A kafkajs logCreator writing each kafkajs log entry as one structured line. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs repeats its own timestamp and our clientId on every entry.
      const { message, timestamp: _timestamp, clientId: _clientId, ...fields } = log;
      kafkaLogger[levelOf(namespace, level, message)]({ namespace, ...fields }, message);
    };
}

export function createKafka(opts: KafkaClientOptions): Kafka {
  const logger = opts.logger ?? createLogger({ service: opts.clientId });
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // Ride out a broker restart or leader election (~1 min in total) before giving up.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8, factor: 0.2, multiplier: 2 },
    logLevel: LEVELS[opts.logLevel ?? 'info'],
    logCreator: kafkaLogCreator(logger),
  });
}

/**
 * The producer the outbox relay needs: idempotent (no duplicates from its own retries), acks from
 * all in-sync replicas, one request in flight so a retry can never reorder a partition. It keeps
 * the client's finite retries (kafkajs warns about that once): a send that gives up leaves its
 * outbox rows unpublished for the relay's next round, which is the guarantee we rely on.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** A plain producer (dead letters, replies): ordering beyond one call does not matter. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

const keyPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition kafkajs's default (Java-compatible murmur2) partitioner puts `key` on, for a
 * topic of `partitions` partitions — so partition owners can tell which keys are theirs.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return keyPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
