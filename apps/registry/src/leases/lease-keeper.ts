import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import {
  LeaseGranted,
  LeaseReleased,
  LeaseRenewed,
  Topic,
  serviceKeyOf,
  topicSpecOf,
  type CloudEvent,
} from '@mcp/protocol';
import {
  EventConsumer,
  partitionOfKey,
  type ConsumedEvent,
  type PartitionAssignment,
} from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { createCounter, createGauge } from '@mcp/telemetry';
import { InstancesService } from '../instances/instances.service';
import { LeaseTable, type Lease } from './lease-table';

const LEASE_PARTITIONS = topicSpecOf(Topic.RegistryLeases)?.partitions ?? 6;
const REAP_EVERY_MS = 250;
const RETRY_EXPIRY_AFTER_MS = 1000;

const expiredTotal = createCounter({
  name: 'mcp_registry_leases_expired_total',
  help: 'Instances removed because their lease lapsed',
});
const ownedLeases = createGauge({
  name: 'mcp_registry_leases_owned',
  help: 'Leases whose TTL clock this replica keeps',
});

/**
 * Keeps the TTL clocks of the leases whose lease-stream partitions this replica owns, and expires
 * the lapsed ones. Ownership follows Kafka's group assignment, so with N replicas every lease has
 * exactly one keeper, and a replica's death hands its partitions (and leases) to the others.
 */
@Injectable()
export class LeaseKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly table = new LeaseTable();
  private owned = new Set<number>();
  private readonly consumer: EventConsumer;
  private reaper?: NodeJS.Timeout;
  private reaping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    private readonly instances: InstancesService,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
  ) {
    this.consumer = new EventConsumer({
      kafka,
      groupId: 'mcp-registry-leases',
      topics: [Topic.RegistryLeases],
      handle: (record) => this.apply(record),
      onAssignment: (assignment) => this.takeOwnership(assignment),
      sessionTimeoutMs: 10_000,
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.reaper = setInterval(() => void this.reap(), REAP_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.reaper);
    await this.consumer.stop();
  }

  private async apply({ event, timestamp }: ConsumedEvent<unknown>): Promise<void> {
    const at = Number.isFinite(timestamp) ? Math.min(timestamp, Date.now()) : Date.now();
    switch (event.type) {
      case LeaseRenewed.type: {
        this.table.renew(dataOf<typeof LeaseRenewed.schema>(event), at);
        break;
      }
      case LeaseGranted.type: {
        const data = dataOf<typeof LeaseGranted.schema>(event);
        this.table.grant(data, data.revision, data.ttlSeconds * 1000, at, partitionOf(data));
        break;
      }
      case LeaseReleased.type: {
        const data = dataOf<typeof LeaseReleased.schema>(event);
        this.table.release(data, data.revision);
        break;
      }
      default:
        this.logger.warn({ type: event.type }, 'ignoring an unknown record on the lease stream');
    }
    ownedLeases.set(this.table.size);
  }

  /** After a rebalance: forget lost partitions, load the leases of gained ones from Postgres. */
  private async takeOwnership(assignment: PartitionAssignment): Promise<void> {
    const next = new Set(assignment[Topic.RegistryLeases] ?? []);
    const lost = new Set([...this.owned].filter((p) => !next.has(p)));
    const gained = new Set([...next].filter((p) => !this.owned.has(p)));
    this.table.dropPartitions(lost);
    if (gained.size > 0) {
      const rows: {
        tenant_id: string;
        service: string;
        instance_id: string;
        ttl_seconds: number;
        revision: number;
      }[] = await this.dataSource.query(
        'SELECT tenant_id, service, instance_id, ttl_seconds, revision FROM instances',
      );
      const adopted = rows
        .map((r) => ({
          tenant: r.tenant_id,
          service: r.service,
          instanceId: r.instance_id,
          revision: r.revision,
          ttlMs: r.ttl_seconds * 1000,
          partition: partitionOf({ tenant: r.tenant_id, service: r.service }),
        }))
        .filter((lease) => gained.has(lease.partition));
      this.table.adopt(adopted, Date.now());
      this.logger.info(
        { partitions: [...next], gained: [...gained], lost: [...lost], adopted: adopted.length },
        'lease partitions assigned',
      );
    }
    this.owned = next;
    ownedLeases.set(this.table.size);
  }

  private async reap(): Promise<void> {
    if (this.reaping) return;
    this.reaping = true;
    try {
      for (const lease of this.table.takeExpired(Date.now())) await this.expire(lease);
    } finally {
      this.reaping = false;
      ownedLeases.set(this.table.size);
    }
  }

  private async expire(lease: Lease): Promise<void> {
    try {
      const removed = await this.instances.expire(lease, lease.revision);
      if (removed) {
        expiredTotal.inc();
        this.logger.info(
          { tenant: lease.tenant, service: lease.service, instanceId: lease.instanceId },
          'lease lapsed; instance removed',
        );
      }
    } catch (error) {
      this.logger.warn(
        { err: error, instanceId: lease.instanceId },
        'could not record an expiry; will retry',
      );
      this.table.retryLater(lease, Date.now() + RETRY_EXPIRY_AFTER_MS);
    }
  }
}

function partitionOf(address: { tenant: string; service: string }): number {
  return partitionOfKey(serviceKeyOf(address.tenant, address.service), LEASE_PARTITIONS);
}

function dataOf<S extends z.ZodType>(event: CloudEvent<unknown>): z.infer<S> {
  // EventConsumer has already validated the data against the catalog's schema for its type.
  return event.data as z.infer<S>;
}
