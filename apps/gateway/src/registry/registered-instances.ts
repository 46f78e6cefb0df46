import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { InstanceSnapshot, Topic, instanceKeyOf, type CloudEvent } from '@mcp/protocol';
import { PrivateFeed } from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { createGauge } from '@mcp/telemetry';

type SnapshotData = CloudEvent<{
  tenant: string;
  instance: { service: string; instanceId: string };
}>;

const knownInstances = createGauge({
  name: 'mcp_gateway_registered_instances',
  help: 'Instances this gateway replica knows are registered (from mcp.registry.instances)',
});

/**
 * This replica's view of which instances are registered, rebuilt from the registry's compacted
 * state topic (read from the beginning in a group of its own, tombstones remove). It lets a
 * heartbeat for a known instance go straight onto the lease stream without asking the registry.
 * The view lags the registry by the outbox relay's delay (milliseconds), so a miss is not proof
 * of absence: callers ask the registry then.
 */
@Injectable()
export class RegisteredInstances
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly keys = new Set<string>();
  private readonly feed: PrivateFeed;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(SERVICE_LOGGER) logger: ServiceLogger) {
    this.feed = new PrivateFeed({
      kafka,
      groupPrefix: 'mcp-gateway-instances',
      topics: [Topic.RegistryInstances],
      fromBeginning: true,
      logger: logger.child({ component: 'registered-instances' }),
      handle: async ({ event }) => this.remember(event as SnapshotData),
      handleTombstone: ({ key }) => this.forget(key),
    });
  }

  has(tenant: string, service: string, instanceId: string): boolean {
    return this.keys.has(instanceKeyOf(tenant, service, instanceId));
  }

  get size(): number {
    return this.keys.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
  }

  onModuleDestroy(): void {
    void this.feed.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.feed.stop();
  }

  private remember(event: SnapshotData): void {
    if (event.type !== InstanceSnapshot.type) return;
    const { tenant, instance } = event.data;
    this.keys.add(instanceKeyOf(tenant, instance.service, instance.instanceId));
    knownInstances.set(this.keys.size);
  }

  private forget(key: string): void {
    this.keys.delete(key);
    knownInstances.set(this.keys.size);
  }
}
