// Group commit for small, frequent records (heartbeats): one produce request carries everything
// that arrived while the previous one was on the wire.
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Message, TopicMessages } from 'kafkajs';
import { currentTraceparent } from '@mcp/telemetry';
import { TRACEPARENT_HEADER } from '../headers';

export interface RecordBatcherOptions {
  /** Sends one batch; rejects to fail every record in it. Usually `producer.sendBatch`. */
  send: (topicMessages: TopicMessages[]) => Promise<unknown>;
  /** Records per produce request at most. */
  maxBatch?: number;
  /** Produce requests on the wire at once; records queue while all are busy. */
  maxInFlight?: number;
  /** Records waiting at most; beyond it `add` rejects at once rather than queue without end. */
  maxQueued?: number;
  /** Told of every request: how many records it carried and how long it took. */
  onSent?: (outcome: { records: number; seconds: number; ok: boolean }) => void;
}

/** `add` rejected because the queue is full: the caller should shed load, not retry at once. */
export class RecordQueueFullError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} records are waiting for Kafka`);
    this.name = 'RecordQueueFullError';
  }
}

interface Pending {
  topic: string;
  message: Message;
  span: Span;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const tracer = trace.getTracer('@mcp/messaging');

/**
 * Sends records as soon as a request slot is free and batches whatever arrives meanwhile: an idle
 * system pays one round trip per record, a busy one a round trip per batch instead of per record
 * (Nagle without the timer). Each record resolves when the batch that carried it was acknowledged.
 *
 * Each record gets a producer span that is a child of whoever added it, and its own traceparent
 * header; the send itself runs with tracing suppressed, because the kafkajs instrumentation would
 * parent every record of a batch to the one caller that happened to trigger the send.
 */
export class RecordBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;

  constructor(private readonly opts: RecordBatcherOptions) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.maxQueued = opts.maxQueued ?? 20_000;
  }

  /** Records waiting for a request slot. */
  get queued(): number {
    return this.queue.length;
  }

  add(topic: string, message: Message): Promise<void> {
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new RecordQueueFullError(this.maxQueued));
    }
    const span = tracer.startSpan(`send ${topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        ...(typeof message.key === 'string' ? { 'messaging.kafka.message.key': message.key } : {}),
      },
    });
    const traceparent = context.with(trace.setSpan(context.active(), span), currentTraceparent);
    const headers = { ...message.headers };
    if (traceparent) headers[TRACEPARENT_HEADER] = traceparent;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message: { ...message, headers }, span, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.sendBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = performance.now();
    const report = (ok: boolean) =>
      this.opts.onSent?.({
        records: batch.length,
        seconds: (performance.now() - started) / 1000,
        ok,
      });
    try {
      await context.with(suppressTracing(context.active()), () => this.opts.send(topicMessages));
      report(true);
      for (const record of batch) {
        record.span.end();
        record.resolve();
      }
    } catch (error: unknown) {
      report(false);
      for (const record of batch) {
        record.span.recordException(error instanceof Error ? error : String(error));
        record.span.setStatus({ code: SpanStatusCode.ERROR });
        record.span.end();
        record.reject(error);
      }
    }
  }
}
