/**
 * Heartbeats as records on `mcp.registry.heartbeats`, for fleets that would rather not spend an
 * HTTP request on each. The topic is MCP's ingress: a tenant's principal may write it and
 * nothing else, the gateway alone reads it, and the record carries the tenant's API key, from
 * which (and from nothing in the record) the gateway takes the tenant.
 */
import {
  Kafka,
  Partitioners,
  logLevel,
  type KafkaConfig,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { HeartbeatRecord, encodeHeartbeatRecord } from '@mcp/protocol';
import type { SdkLogger } from '../logger';

export interface KafkaHeartbeatOptions {
  /** The brokers of MCP's Kafka cluster, e.g. `['kafka-1:9092']`. */
  brokers: string[];
  /** TLS to the brokers, as kafkajs takes it. */
  ssl?: KafkaConfig['ssl'];
  /** The tenant's Kafka principal (in production it may only write the heartbeat topic). */
  sasl?: KafkaConfig['sasl'];
  /** Kafka client id; default `mcp-sdk`. */
  clientId?: string;
  /**
   * One heartbeat in this many goes over HTTP to learn whether the lease still exists (a 404
   * there makes the instance register again). Default: about once per TTL.
   */
  leaseCheckEvery?: number;
}

/** Where a heartbeat that gets no answer is sent; an interface so timing tests need no broker. */
export interface HeartbeatSender {
  /** Resolves once Kafka acknowledged the record; says nothing about the lease. */
  send(service: string, instanceId: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export class KafkaHeartbeats implements HeartbeatSender {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    options: KafkaHeartbeatOptions,
    private readonly apiKey: string,
    logger: SdkLogger,
  ) {
    if (options.brokers.length === 0) throw new TypeError('Kafka heartbeats need brokers');
    const kafka = new Kafka({
      clientId: options.clientId ?? 'mcp-sdk',
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl,
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      // Give up quickly: the heartbeat's own backoff (and the HTTP fallback) takes it from there.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => log(logger, entry),
    });
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      // The topic is MCP's to create; a typo in a name must not create another.
      allowAutoTopicCreation: false,
    });
  }

  async send(service: string, instanceId: string, signal: AbortSignal): Promise<void> {
    if (this.closed) throw new Error('Kafka heartbeats are closed');
    await untilAborted(this.connect(), signal);
    const record = encodeHeartbeatRecord({ service, instanceId }, this.apiKey);
    await untilAborted(
      this.producer.send({ topic: HeartbeatRecord.topic, acks: -1, messages: [record] }),
      signal,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    await connecting.catch(() => undefined);
    await this.producer.disconnect();
  }

  /** Connects on first use, and again after a failed attempt. */
  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}

/** Rejects as soon as `signal` aborts; the operation itself runs on and is ignored. */
function untilAborted<T>(operation: Promise<T>, signal: AbortSignal): Promise<T> {
  operation.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    operation.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function log(logger: SdkLogger, { namespace, level, log: entry }: LogEntry): void {
  const { message, timestamp: _timestamp, ...fields } = entry;
  const write =
    level === logLevel.ERROR || level === logLevel.NOTHING
      ? logger.error
      : level === logLevel.WARN
        ? logger.warn
        : logger.debug;
  write.call(logger, { component: 'kafkajs', namespace, ...fields }, message);
}
