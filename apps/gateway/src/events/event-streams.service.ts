import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Response } from 'express';
import type { Admin, Kafka } from 'kafkajs';
import { ForbiddenError, RateLimitedError, UnavailableError } from '@mcp/protocol';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { withTimeout } from '@mcp/resilience';
import { createGauge } from '@mcp/telemetry';
import { missingScopes, type CallerIdentity } from '../auth';
import type { EventTypeFilter } from './event-type-filter';
import { StreamPosition, type PositionMap } from './stream-position';
import { TenantEventStream } from './tenant-event-stream';

/** Limits of one gateway replica; each stream holds a Kafka consumer. */
export const EVENT_STREAM_LIMITS = Object.freeze({
  perTenant: 20,
  total: 1_000,
  keepAliveMs: 15_000,
  retryMs: 1_000,
  drainTimeoutMs: 30_000,
  offsetsTimeoutMs: 5_000,
});

const openStreams = createGauge({
  name: 'mcp_gateway_event_streams',
  help: 'Open GET /v1/events streams on this gateway replica',
});

export interface OpenStreamRequest {
  caller: CallerIdentity;
  filter: EventTypeFilter;
  /** The client's Last-Event-ID; absent: start from now. */
  resumeFrom: StreamPosition | undefined;
  response: Response;
}

/**
 * The tenant event streams of this replica: checks scopes and limits, works out where each
 * stream starts, and ends them all on shutdown.
 */
@Injectable()
export class EventStreams implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly streams = new Set<TenantEventStream>();
  private readonly perTenant = new Map<string, number>();
  private readonly leaving = new Set<Promise<void>>();
  private admin: Promise<Admin> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly log: ServiceLogger;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
  ) {
    this.log = logger.child({ component: 'event-streams' });
  }

  async open({ caller, filter, resumeFrom, response }: OpenStreamRequest): Promise<void> {
    const missing = missingScopes(caller.scopes, filter.scopes);
    if (missing.length > 0) {
      throw new ForbiddenError(`This key lacks the scope(s) ${missing.join(', ')}.`);
    }
    if (this.stopping) throw new UnavailableError('This gateway is shutting down; reconnect.');
    const held = this.perTenant.get(caller.tenant) ?? 0;
    if (held >= EVENT_STREAM_LIMITS.perTenant) {
      throw new RateLimitedError(
        `This tenant already has ${held} event streams open on this gateway (at most ${EVENT_STREAM_LIMITS.perTenant}).`,
        5,
      );
    }
    if (this.reserved() >= EVENT_STREAM_LIMITS.total) {
      throw new RateLimitedError('This gateway has as many event streams open as it can hold.', 5);
    }

    // The slot is taken before the first await, so concurrent opens cannot overshoot the cap.
    this.perTenant.set(caller.tenant, held + 1);
    let release = () => {
      release = () => undefined;
      const now = (this.perTenant.get(caller.tenant) ?? 1) - 1;
      if (now > 0) this.perTenant.set(caller.tenant, now);
      else this.perTenant.delete(caller.tenant);
    };
    let start: StreamPosition;
    try {
      start = await this.startingPosition(filter.topics, resumeFrom);
    } catch (error) {
      release();
      throw error;
    }
    if (this.stopping || response.destroyed) {
      release();
      if (this.stopping) throw new UnavailableError('This gateway is shutting down; reconnect.');
      return;
    }

    const stream = new TenantEventStream({
      kafka: this.kafka,
      tenant: caller.tenant,
      filter,
      start,
      response,
      logger: this.log,
      keepAliveMs: EVENT_STREAM_LIMITS.keepAliveMs,
      retryMs: EVENT_STREAM_LIMITS.retryMs,
      drainTimeoutMs: EVENT_STREAM_LIMITS.drainTimeoutMs,
      onClosed: () => {
        this.streams.delete(stream);
        openStreams.set(this.streams.size);
        release();
        // Its consumer is still leaving Kafka; a shutdown waits for that too.
        const leaving = stream.close('closed');
        this.leaving.add(leaving);
        void leaving.finally(() => this.leaving.delete(leaving));
      },
    });
    this.streams.add(stream);
    openStreams.set(this.streams.size);
    stream.open();
  }

  /**
   * Every partition's next offset now (no Last-Event-ID), or the client's position clamped to
   * what Kafka still holds. A topic the position does not name starts now; a partition it does
   * not name was added since and starts at its beginning.
   */
  private async startingPosition(
    topics: readonly string[],
    resumeFrom: StreamPosition | undefined,
  ): Promise<StreamPosition> {
    const known = resumeFrom?.toMap() ?? {};
    const map: PositionMap = {};
    try {
      await withTimeout(async () => {
        const admin = await this.adminClient();
        for (const topic of topics) {
          const partitions: Record<string, number> = {};
          for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
            const asked = known[topic]
              ? (known[topic][String(partition)] ?? Number(low))
              : undefined;
            partitions[String(partition)] =
              asked === undefined
                ? Number(high)
                : Math.min(Number(high), Math.max(Number(low), asked));
          }
          map[topic] = partitions;
        }
      }, EVENT_STREAM_LIMITS.offsetsTimeoutMs);
    } catch (error) {
      this.admin = undefined;
      this.log.warn({ err: error }, 'could not read topic offsets for an event stream');
      throw new UnavailableError('Events cannot be streamed right now; try again shortly.');
    }
    return new StreamPosition(map);
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const connecting = this.admin;
    connecting.catch(() => {
      if (this.admin === connecting) this.admin = undefined;
    });
    return connecting;
  }

  private reserved(): number {
    let total = 0;
    for (const count of this.perTenant.values()) total += count;
    return total;
  }

  // Open responses would keep the HTTP server from closing: end them with the first hook, and
  // wait for their consumers to leave Kafka in a later one.
  onModuleDestroy(): void {
    this.stopping ??= this.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await (this.stopping ??= this.stop());
  }

  private async stop(): Promise<void> {
    const closing = [...this.streams].map((s) => s.close('the gateway is shutting down'));
    await Promise.all([...closing, ...this.leaving]);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
