import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topic } from '@mcp/protocol';
import { EventConsumer } from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { ApiKeyCache } from './api-key.cache';
import { applyApiKeyEvent } from './apply-api-key-event';

// Deleting the group is housekeeping; a stop must not wait long on it.
const GROUP_CLEANUP_TIMEOUT_MS = 2_000;

/**
 * Follows key events on `mcp.gateway.events` in a consumer group of this process alone, so every
 * replica sees every revocation (a shared group would hand each event to one replica only). It
 * starts at the latest offset: what happened before is in Postgres, which the cache reads on a
 * miss. Startup waits for the group to join, so the cache only remembers keys once revocations
 * can reach it.
 */
@Injectable()
export class ApiKeyEventsFeed
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  readonly groupId = `mcp-gateway-keys-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private consumer: EventConsumer | undefined;
  private stopping: Promise<void> | undefined;
  private readonly log: ServiceLogger;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
    private readonly cache: ApiKeyCache,
  ) {
    this.log = logger.child({ component: 'api-key-events', groupId: this.groupId });
  }

  async onApplicationBootstrap(): Promise<void> {
    const consumer = new EventConsumer({
      kafka: this.kafka,
      groupId: this.groupId,
      topics: [Topic.GatewayEvents],
      fromBeginning: false,
      logger: this.log,
      handle: async ({ event }) => applyApiKeyEvent(this.cache, event),
    });
    await consumer.start();
    this.consumer = consumer;
    this.cache.markLive();
    this.log.info('following API key events');
  }

  // Leaving the group waits out the consumer's current fetch (a few seconds): start it with the
  // first shutdown hook so it overlaps the rest of the shutdown, and wait for it in a later one.
  onModuleDestroy(): void {
    this.stopping ??= this.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await (this.stopping ??= this.stop());
  }

  private async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    try {
      await consumer.stop();
    } catch (error) {
      this.log.warn({ err: error }, 'the API key events consumer did not stop cleanly');
      return;
    }
    await this.deleteGroup();
  }

  /** The group dies with the process; leaving it behind would only clutter the broker. */
  private async deleteGroup(): Promise<void> {
    const admin = this.kafka.admin();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('timed out deleting the consumer group')),
        GROUP_CLEANUP_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.deleteGroups([this.groupId]);
        })(),
        deadline,
      ]);
    } catch (error) {
      this.log.warn({ err: error }, 'could not delete the consumer group; Kafka expires it later');
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }
}
