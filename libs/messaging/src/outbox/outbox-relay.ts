// The publishing half of the transactional outbox: moves committed outbox rows to Kafka, in order.
import { RetryPolicy } from '@mcp/resilience';
import { createCounter, currentTraceparent, withRemoteParent, type Logger } from '@mcp/telemetry';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { TRACEPARENT_HEADER, TRACESTATE_HEADER } from '../headers';
import { tableOf } from '../table-name';
import { OutboxRecord } from './outbox-record.entity';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** Idempotent, see createIdempotentProducer. The relay connects it; its owner disconnects it. */
  producer: Producer;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  /** Backoff between failed publish rounds (only its delays: the relay never gives up). */
  retry?: RetryPolicy;
  /** How long a published row is kept (for inspection) before it is deleted. */
  retentionMs?: number;
  /** A send that has not finished by then counts as failed; its rows are sent again. */
  sendTimeoutMs?: number;
}

interface UnpublishedRow {
  id: string;
  topic: string;
  partition_key: string;
  event_type: string;
  headers: Record<string, string>;
  payload: string | null;
}

type BatchOutcome =
  | { kind: 'busy' }
  | { kind: 'published'; topics: string[]; full: boolean }
  | { kind: 'failed'; count: number; error: unknown };

const DEFAULT_RETRY = new RetryPolicy({
  maxAttempts: Number.MAX_SAFE_INTEGER,
  backoff: { baseMs: 200, maxMs: 10_000, jitter: 'equal' },
});
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_LIMIT = 1_000;

const published = createCounter({
  name: 'mcp_outbox_published_total',
  help: 'Outbox events published to Kafka',
  labelNames: ['topic'],
});
const failedRounds = createCounter({
  name: 'mcp_outbox_publish_failures_total',
  help: 'Outbox publish rounds that failed and will be retried',
});

const tracer = trace.getTracer('@mcp/messaging');

/**
 * One replica of a service publishes at a time (a transaction-scoped advisory lock), so per-key
 * order holds across replicas. Each round locks the oldest unpublished rows, sends them in id
 * order, and marks them published in the same transaction: a crash or a Kafka failure leaves
 * them unpublished to be sent again (at-least-once; consumers dedupe by event id).
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly retry: RetryPolicy;
  private readonly retentionMs: number;
  private readonly sendTimeoutMs: number;
  private readonly log: Logger;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeRequested = false;
  private interruptSleep: (() => void) | undefined;
  private lastSweep = 0;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.batchSize = opts.batchSize ?? 100;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.retentionMs = opts.retentionMs ?? 60 * 60 * 1000;
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
    this.log = opts.logger.child({ component: 'outbox-relay' });
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Publish now rather than at the next poll; call it after committing an outbox write. */
  wake(): void {
    this.wakeRequested = true;
    this.interruptSleep?.();
  }

  /** Stops polling and waits for the batch in flight to commit or roll back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptSleep?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let connected = false;
    while (!this.stopping) {
      this.wakeRequested = false;
      let outcome: BatchOutcome;
      try {
        // Connecting an already connected producer is a no-op; after a failure it reconnects.
        if (!connected) await this.opts.producer.connect();
        connected = true;
        outcome = await this.publishBatch();
      } catch (error: unknown) {
        outcome = { kind: 'failed', count: 0, error };
      }

      if (outcome.kind === 'failed') {
        connected = false;
        failures += 1;
        failedRounds.inc();
        const delay = this.retry.delayFor(failures);
        this.log.warn(
          { err: outcome.error, rows: outcome.count, attempt: failures, retryInMs: delay },
          'outbox publish failed; rows stay unpublished',
        );
        // Writers waking us must not shorten the backoff; only stop() does.
        await this.sleep(delay, false);
        continue;
      }
      failures = 0;
      if (outcome.kind === 'published') {
        for (const topic of outcome.topics) published.inc({ topic });
        if (outcome.full) continue;
      }
      await this.sweepIfDue();
      await this.sleep(this.pollIntervalMs, true);
    }
  }

  private async publishBatch(): Promise<BatchOutcome> {
    return this.opts.dataSource.transaction(async (manager) => {
      const table = tableOf(manager, OutboxRecord);
      const [lock] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
        [`mcp.outbox.${table}`],
      );
      if (!lock?.locked) return { kind: 'busy' };

      const rows = await manager.query<UnpublishedRow[]>(
        `SELECT id, topic, partition_key, event_type, headers, payload FROM ${table}
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return { kind: 'published', topics: [], full: false };
      const ids = rows.map((row) => row.id);

      try {
        await this.send(rows);
      } catch (error: unknown) {
        await this.recordFailure(manager, table, ids, error);
        return { kind: 'failed', count: rows.length, error };
      }
      await manager.query(
        `UPDATE ${table} SET published_at = now(), attempts = attempts + 1, last_error = NULL
          WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      return {
        kind: 'published',
        topics: rows.map((row) => row.topic),
        full: rows.length === this.batchSize,
      };
    });
  }

  private async send(rows: UnpublishedRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const spans: Span[] = [];
    for (const row of rows) {
      const span = this.startPublishSpan(row);
      spans.push(span);
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({
        key: row.partition_key,
        value: row.payload,
        headers: kafkaHeadersOf(row.headers, span),
      });
      byTopic.set(row.topic, messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    try {
      // Our publish spans stand in for the kafkajs instrumentation's, which would all share the
      // relay's context and overwrite each row's traceparent header.
      await context.with(suppressTracing(context.active()), () =>
        this.withSendTimeout(this.opts.producer.sendBatch({ topicMessages, acks: -1 })),
      );
    } catch (error: unknown) {
      for (const span of spans) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** A producer span per event, a child of the request that wrote it (its stored traceparent). */
  private startPublishSpan(row: UnpublishedRow): Span {
    return withRemoteParent(row.headers[TRACEPARENT_HEADER], () =>
      tracer.startSpan(`send ${row.topic}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'send',
          'messaging.operation.type': 'send',
          'messaging.destination.name': row.topic,
          'messaging.kafka.message.key': row.partition_key,
          'messaging.message.id': row.headers['ce_id'] ?? '',
          'cloudevents.event_type': row.event_type,
        },
      }),
    );
  }

  private withSendTimeout<T>(sending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka send did not finish within ${this.sendTimeoutMs} ms`)),
        this.sendTimeoutMs,
      );
    });
    return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
  }

  private async recordFailure(
    manager: EntityManager,
    table: string,
    ids: string[],
    error: unknown,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await manager.query(
      `UPDATE ${table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, message.slice(0, 2_000)],
    );
  }

  /** Deletes published rows past their retention, a bounded number at a time. */
  private async sweepIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    try {
      const table = tableOf(this.opts.dataSource.manager, OutboxRecord);
      await this.opts.dataSource.query(
        `DELETE FROM ${table} WHERE id IN (
           SELECT id FROM ${table}
            WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)
            LIMIT $2)`,
        [this.retentionMs / 1000, SWEEP_LIMIT],
      );
    } catch (error: unknown) {
      this.log.warn({ err: error }, 'outbox sweep failed');
    }
  }

  /** Waits, unless stopped, or (when wakeable) woken, meanwhile or already. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.wakeRequested)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interruptSleep = () => {
        if (this.stopping || wakeable) {
          this.interruptSleep = undefined;
          done();
        }
      };
    });
  }
}

/** The stored headers, with the traceparent of the publish span in place of the writer's. */
export function kafkaHeadersOf(
  stored: Record<string, string>,
  publishSpan?: Span,
): Record<string, string> {
  const { [TRACEPARENT_HEADER]: writerTraceparent, [TRACESTATE_HEADER]: _state, ...rest } = stored;
  const traceparent = publishSpan
    ? (context.with(trace.setSpan(context.active(), publishSpan), currentTraceparent) ??
      writerTraceparent)
    : writerTraceparent;
  return traceparent ? { ...rest, [TRACEPARENT_HEADER]: traceparent } : rest;
}
