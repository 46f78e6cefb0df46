import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topic } from '@mcp/protocol';
import { PrivateFeed } from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { ApiKeyCache } from './api-key.cache';
import { applyApiKeyEvent } from './apply-api-key-event';

/**
 * Follows key events on `mcp.gateway.events` in a consumer group of this process alone, so every
 * replica sees every revocation. It starts at the latest offset: what happened before is in
 * Postgres, which the cache reads on a miss. Startup waits for the group to join, so the cache
 * only remembers keys once revocations can reach it.
 */
@Injectable()
export class ApiKeyEventsFeed
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly feed: PrivateFeed;
  private readonly log: ServiceLogger;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
    private readonly cache: ApiKeyCache,
  ) {
    this.log = logger.child({ component: 'api-key-events' });
    this.feed = new PrivateFeed({
      kafka,
      groupPrefix: 'mcp-gateway-keys',
      topics: [Topic.GatewayEvents],
      fromBeginning: false,
      logger: this.log,
      handle: async ({ event }) => applyApiKeyEvent(this.cache, event),
    });
  }

  get groupId(): string {
    return this.feed.groupId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
    this.cache.markLive();
    this.log.info({ groupId: this.feed.groupId }, 'following API key events');
  }

  // Leaving the group waits out the consumer's current fetch (a few seconds): start it with the
  // first shutdown hook so it overlaps the rest of the shutdown, and wait for it in a later one.
  onModuleDestroy(): void {
    void this.feed.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.feed.stop();
  }
}
