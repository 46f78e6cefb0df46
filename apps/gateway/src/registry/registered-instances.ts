import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { InstanceSnapshot, Topic, instanceKeyOf, type CloudEvent } from '@mcp/protocol';
import { PrivateFeed, ReplayProgress, endOffsets } from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { createGauge } from '@mcp/telemetry';

type SnapshotData = CloudEvent<{
  tenant: string;
  instance: { service: string; instanceId: string };
}>;

// Past this, start anyway: a miss only costs a registry round trip, and the view keeps filling.
// (It is also the wait when compaction removed a partition's last record, a tombstone, which
// the replay then never sees.)
const REPLAY_WAIT_MS = 10_000;

const knownInstances = createGauge({
  name: 'mcp_gateway_registered_instances',
  help: 'Instances this gateway replica knows are registered (from mcp.registry.instances)',
});

/**
 * This replica's view of which instances are registered, rebuilt from the registry's compacted
 * state topic (read from the beginning in a group of its own, tombstones remove). It lets a
 * heartbeat for a known instance go straight onto the lease stream without asking the registry.
 * The view lags the registry by the outbox relay's delay (milliseconds), so a miss is not proof
 * of absence: callers ask the registry then. Start-up waits until the view holds everything the
 * topic held when it began (bounded), so a restarted gateway does not send a whole fleet's
 * heartbeats to the registry while it reads.
 */
@Injectable()
export class RegisteredInstances
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly keys = new Set<string>();
  private readonly feed: PrivateFeed;
  private readonly log: ServiceLogger;
  private progress = new ReplayProgress(new Map());

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
  ) {
    this.log = logger.child({ component: 'registered-instances' });
    this.feed = new PrivateFeed({
      kafka,
      groupPrefix: 'mcp-gateway-instances',
      topics: [Topic.RegistryInstances],
      fromBeginning: true,
      logger: this.log,
      handle: async ({ event, partition, offset }) => {
        this.remember(event as SnapshotData);
        this.progress.handled(partition, offset);
      },
      handleTombstone: ({ key, partition, offset }) => {
        this.forget(key);
        this.progress.handled(partition, offset);
      },
    });
  }

  has(tenant: string, service: string, instanceId: string): boolean {
    return this.keys.has(instanceKeyOf(tenant, service, instanceId));
  }

  get size(): number {
    return this.keys.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    try {
      this.progress = new ReplayProgress(await endOffsets(this.kafka, Topic.RegistryInstances));
    } catch (error) {
      this.log.warn(
        { err: error },
        'could not read where the state topic ends; not waiting for it',
      );
    }
    await this.feed.start();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), REPLAY_WAIT_MS);
    });
    const complete = await Promise.race([this.progress.caughtUp.then(() => true), gaveUp]);
    clearTimeout(timer);
    this.log.info(
      { instances: this.keys.size, ms: Date.now() - started, complete },
      complete
        ? 'registered instances loaded from the state topic'
        : 'still reading the state topic; serving meanwhile (unknown instances ask the registry)',
    );
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
