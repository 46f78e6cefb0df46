import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { IngressTopic, topicSpecOf } from '@mcp/protocol';
import { RecordBatchConsumer } from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { ApiKeyCache } from '../auth';
import { HeartbeatCredentials } from './heartbeat-credentials';
import { HeartbeatIntake } from './heartbeat-intake';
import { HeartbeatService } from './heartbeats.service';

const HEARTBEAT_PARTITIONS = topicSpecOf(IngressTopic.RegistryHeartbeats)?.partitions ?? 6;

/**
 * Consumes `mcp.registry.heartbeats`, where tenants' services write heartbeats straight from the
 * SDK, in one group shared by every gateway replica (each record is taken in once). Batches of
 * all partitions are taken in at once, so their renewals share produce requests on the lease
 * stream. A fresh group starts at the end of the topic: older heartbeats are worth nothing.
 */
@Injectable()
export class HeartbeatIngress
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly consumer: RecordBatchConsumer;
  private readonly log: ServiceLogger;
  private stopped: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
    keys: ApiKeyCache,
    heartbeats: HeartbeatService,
  ) {
    this.log = logger.child({ component: 'heartbeat-ingress' });
    const intake = new HeartbeatIntake({
      credentials: new HeartbeatCredentials(keys),
      renew: (address, sentAt) => heartbeats.renew(address, sentAt),
      logger: this.log,
    });
    this.consumer = new RecordBatchConsumer({
      kafka,
      groupId: 'mcp-gateway-heartbeats',
      topics: [IngressTopic.RegistryHeartbeats],
      partitionsConsumedConcurrently: HEARTBEAT_PARTITIONS,
      // A dead replica's partitions move on quickly: short leases depend on them.
      sessionTimeoutMs: 10_000,
      logger,
      handleBatch: async (records, context) => {
        const tally = await intake.take(records, context);
        this.log.debug({ records: records.length, ...tally }, 'heartbeat records taken in');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.log.info({ topic: IngressTopic.RegistryHeartbeats }, 'taking in heartbeat records');
  }

  // Leaving the group waits for the batch in hand: begin with the first shutdown hook, so it
  // overlaps the rest of the shutdown, and wait for it in a later one.
  onModuleDestroy(): void {
    void this.stopping();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopping();
  }

  private stopping(): Promise<void> {
    this.stopped ??= this.consumer.stop().catch((error: unknown) => {
      this.log.warn({ err: error }, 'the heartbeat consumer did not stop cleanly');
    });
    return this.stopped;
  }
}
