/**
 * One open `GET /v1/events` connection: a Kafka consumer of its own (a group of one, positioned
 * explicitly, nothing committed) whose records are filtered to the caller's tenant and types and
 * written to the response as Server-Sent Events.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import {
  CloudEventHeader,
  decodeCloudEvent,
  eventDefinitionOf,
  parseEventData,
  type CloudEvent,
} from '@mcp/protocol';
import type { ServiceLogger } from '@mcp/platform';
import type { EventTypeFilter } from './event-type-filter';
import { KEEP_ALIVE_FRAME, eventFrame, openingFrame, positionFrame } from './sse-frames';
import type { StreamPosition } from './stream-position';

export interface TenantEventStreamOptions {
  kafka: Kafka;
  tenant: string;
  filter: EventTypeFilter;
  /** Where reading starts on every partition of every topic the filter reaches. */
  start: StreamPosition;
  response: Response;
  logger: ServiceLogger;
  keepAliveMs: number;
  /** What the stream tells clients to wait before reconnecting (SSE `retry:`). */
  retryMs: number;
  /** How long a client may leave written events unread before it is disconnected. */
  drainTimeoutMs: number;
  /** Called once, as soon as the stream ends for whatever reason. */
  onClosed: () => void;
}

export class TenantEventStream {
  readonly groupId = `mcp-gateway-events-${randomUUID()}`;
  private readonly position: StreamPosition;
  private readonly log: ServiceLogger;
  private consumer: Consumer | undefined;
  private following: Promise<void> | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private lastSentId = '';
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: TenantEventStreamOptions) {
    this.position = opts.start;
    this.log = opts.logger.child({
      component: 'event-stream',
      tenant: opts.tenant,
      groupId: this.groupId,
    });
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Answers 200 with the opening position at once, then follows Kafka in the background. */
  open(): void {
    const res = this.opts.response;
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => void this.close('the client went away'));

    this.lastSentId = this.position.encode();
    res.write(openingFrame(this.lastSentId, this.opts.retryMs));
    this.keepAlive = setInterval(() => this.beat(), this.opts.keepAliveMs);
    this.keepAlive.unref();
    this.following = this.follow().catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not follow Kafka; ending the stream');
      void this.close('kafka unavailable');
    });
    this.log.info({ topics: this.opts.filter.topics }, 'event stream opened');
  }

  /** Ends the response and leaves Kafka; safe to call more than once. */
  close(reason: string): Promise<void> {
    // Settled first, so anything shutdown() calls (onClosed) already sees the stream as closing.
    this.closing ??= Promise.resolve().then(() => this.shutdown(reason));
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    clearInterval(this.keepAlive);
    const res = this.opts.response;
    if (!res.writableEnded) res.end();
    this.opts.onClosed();
    this.log.info({ reason }, 'event stream closed');
    await this.following;
    const consumer = this.consumer;
    this.consumer = undefined;
    // No offsets were ever committed, so the group vanishes with its only member.
    await consumer?.disconnect().catch((error: unknown) => {
      this.log.warn({ err: error }, 'the event stream consumer did not disconnect cleanly');
    });
  }

  private async follow(): Promise<void> {
    const consumer = this.opts.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      // Bounds how long a disconnect waits for the fetch in flight; records still arrive at once.
      maxWaitTimeInMs: 2_000,
    });
    this.consumer = consumer;
    // Emitted synchronously after every (re)join, before the first fetch: each assigned
    // partition starts exactly at this stream's position, whatever Kafka remembers.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          // A partition the position does not know was added since: all of it is new.
          const offset = this.position.offsetOf(topic, partition) ?? 0;
          consumer.seek({ topic, partition, offset: String(offset) });
        }
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) void this.close('the Kafka consumer stopped');
    });
    await consumer.connect();
    if (this.closed) return;
    // fromBeginning only decides where a partition restarts when its position fell out of
    // retention: the oldest record left is the least loss.
    await consumer.subscribe({ topics: [...this.opts.filter.topics], fromBeginning: true });
    if (this.closed) return;
    await consumer.run({ autoCommit: false, eachMessage: (payload) => this.onRecord(payload) });
  }

  private async onRecord({ topic, partition, message, heartbeat }: EachMessagePayload) {
    if (this.closed) return;
    const offset = Number(message.offset);
    // After a rejoin Kafka may hand back records this stream has already dealt with.
    if (offset < (this.position.offsetOf(topic, partition) ?? 0)) return;
    const event = this.admit(message);
    this.position.advancePast(topic, partition, offset);
    if (!event) return;
    const id = this.position.encode();
    this.lastSentId = id;
    await this.write(eventFrame(event, id), heartbeat);
  }

  /** The record as a CloudEvent if this caller may see it and asked for it; otherwise nothing. */
  private admit(message: KafkaMessage): CloudEvent | undefined {
    const headers = message.headers ?? {};
    // The tenant wall comes first, before anything of the record is parsed.
    if (firstHeader(headers, CloudEventHeader.Tenant) !== this.opts.tenant) return undefined;
    const type = firstHeader(headers, CloudEventHeader.Type);
    if (type === undefined || !this.opts.filter.matches(type)) return undefined;
    let event: CloudEvent;
    try {
      event = decodeCloudEvent(message);
      const definition = eventDefinitionOf(event.type);
      // Also checks that the data belongs to the tenant the header names.
      if (definition) event = parseEventData(definition, event);
    } catch (error) {
      this.log.debug({ err: error, offset: message.offset }, 'skipped a malformed event');
      return undefined;
    }
    return event.tenant === this.opts.tenant ? event : undefined;
  }

  private beat(): void {
    if (this.closed) return;
    const id = this.position.encode();
    // Filtered-out records moved the position: hand it over, so a reconnect skips them.
    if (id !== this.lastSentId) {
      this.lastSentId = id;
      void this.write(positionFrame(id));
    } else {
      void this.write(KEEP_ALIVE_FRAME);
    }
  }

  /** Writes a frame; a client that stops reading holds up its own consumer, then is dropped. */
  private async write(frame: string, heartbeat?: () => Promise<void>): Promise<void> {
    const res = this.opts.response;
    if (res.writableEnded || res.destroyed) return;
    if (res.write(frame)) return;
    const drained = await new Promise<boolean>((resolve) => {
      const keepMembership = setInterval(() => void heartbeat?.().catch(() => undefined), 3_000);
      const timer = setTimeout(() => done(false), this.opts.drainTimeoutMs);
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const done = (ok: boolean) => {
        clearInterval(keepMembership);
        clearTimeout(timer);
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
    if (!drained) void this.close('the client stopped reading');
  }
}

function firstHeader(headers: IHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}
