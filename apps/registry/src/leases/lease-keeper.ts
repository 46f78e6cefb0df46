import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import {
  LeaseGranted,
  LeaseReleased,
  LeaseRenewed,
  LeaseRevised,
  Topic,
  serviceKeyOf,
  topicSpecOf,
  type CloudEvent,
  type HealthCheckSpec,
  type InstanceAddress,
  type InstanceStatus,
} from '@mcp/protocol';
import {
  EventConsumer,
  partitionOfKey,
  type ConsumedEvent,
  type PartitionAssignment,
} from '@mcp/messaging';
import { KAFKA, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { createCounter, createGauge } from '@mcp/telemetry';
import { HealthProber } from '../health/health-prober';
import { HttpProbe } from '../health/http-probe';
import { InstancesService } from '../instances/instances.service';
import { REGISTRY_CONFIG, type RegistryConfig } from '../registry.config';
import { LeaseTable, type Lease } from './lease-table';

const tracer = trace.getTracer('mcp-registry');

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

/** A row as a new lease owner loads it: its lease, and its health check if it has one. */
interface OwnedRow {
  tenant_id: string;
  service: string;
  instance_id: string;
  ttl_seconds: number;
  revision: number;
  host: string;
  port: number;
  health_check: HealthCheckSpec | null;
  status: InstanceStatus;
}

/**
 * Keeps the TTL clocks of the leases whose lease-stream partitions this replica owns, and expires
 * the lapsed ones; runs the active health checks of the same instances. Ownership follows Kafka's
 * group assignment, so with N replicas every lease has exactly one keeper (and every instance one
 * prober), and a replica's death hands its partitions (and leases) to the others.
 */
@Injectable()
export class LeaseKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly table = new LeaseTable();
  private readonly prober: HealthProber;
  private owned = new Set<number>();
  private readonly consumer: EventConsumer;
  private reaper?: NodeJS.Timeout;
  private reaping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    private readonly instances: InstancesService,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    const http = new HttpProbe(config.HEALTH_CHECK_BLOCKED_NETWORKS);
    this.prober = new HealthProber({
      probe: (request, signal) => http.check(request, signal),
      record: (address, revision, status) => this.recordHealth(address, revision, status),
      maxConcurrent: config.HEALTH_CHECK_CONCURRENCY,
      logger,
    });
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
    this.prober.stopAll();
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
        const partition = partitionOf(data);
        this.table.grant(data, data.revision, data.ttlSeconds * 1000, at, partition);
        // A replayed grant older than what the table holds (adopted at a takeover, or revised)
        // must not bring back a check that registration no longer has.
        if (this.table.get(data)?.revision !== data.revision) break;
        if (data.probe) {
          this.prober.follow({
            ...addressOf(data),
            revision: data.revision,
            partition,
            ...data.probe,
          });
        } else {
          this.prober.forget(data, data.revision);
        }
        break;
      }
      case LeaseRevised.type: {
        const data = dataOf<typeof LeaseRevised.schema>(event);
        this.table.revise(data, data.revision);
        this.prober.revised(data, data.revision, data.status);
        break;
      }
      case LeaseReleased.type: {
        const data = dataOf<typeof LeaseReleased.schema>(event);
        this.table.release(data, data.revision);
        this.prober.forget(data, data.revision);
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
    this.prober.dropPartitions(lost);
    if (gained.size > 0) {
      const rows: OwnedRow[] = await this.dataSource.query(
        `SELECT tenant_id, service, instance_id, ttl_seconds, revision, host, port, health_check, status
         FROM instances`,
      );
      const owned = rows
        .map((row) => ({
          row,
          partition: partitionOf({ tenant: row.tenant_id, service: row.service }),
        }))
        .filter(({ partition }) => gained.has(partition));
      const adopted = owned.map(({ row, partition }) => ({
        tenant: row.tenant_id,
        service: row.service,
        instanceId: row.instance_id,
        revision: row.revision,
        ttlMs: row.ttl_seconds * 1000,
        partition,
      }));
      this.table.adopt(adopted, Date.now());
      let probed = 0;
      for (const { row, partition } of owned) {
        if (!row.health_check) continue;
        probed += 1;
        this.prober.follow({
          tenant: row.tenant_id,
          service: row.service,
          instanceId: row.instance_id,
          revision: row.revision,
          partition,
          host: row.host,
          port: row.port,
          healthCheck: row.health_check,
          status: row.status,
        });
      }
      this.logger.info(
        {
          partitions: [...next],
          gained: [...gained],
          lost: [...lost],
          adopted: adopted.length,
          probed,
        },
        'lease partitions assigned',
      );
    } else if (lost.size > 0) {
      // Said too, so an operator can see which replica gave up which leases, and when.
      this.logger.info(
        { partitions: [...next], gained: [], lost: [...lost], adopted: 0, probed: 0 },
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
        this.prober.forget(lease, lease.revision);
        this.logger.info(
          { tenant: lease.tenant, service: lease.service, instanceId: lease.instanceId },
          'lease lapsed; instance removed',
        );
      } else {
        await this.readoptMissed(lease);
      }
    } catch (error) {
      this.logger.warn(
        { err: error, instanceId: lease.instanceId },
        'could not record an expiry; will retry',
      );
      this.table.retryLater(lease, Date.now() + RETRY_EXPIRY_AFTER_MS);
    }
  }

  /**
   * The conditional expiry found a newer revision: a re-registration (its grant restarts the
   * clock) or a health change that raced the reaper (nothing would ever expire the instance).
   * Either way the instance is held again, with a full TTL from now, as at a takeover.
   */
  private async readoptMissed(lease: Lease): Promise<void> {
    const current = await this.instances.currentLease(lease);
    if (!current || current.revision <= lease.revision || !this.owned.has(lease.partition)) return;
    this.table.adopt(
      [
        {
          ...addressOf(lease),
          revision: current.revision,
          ttlMs: current.ttlSeconds * 1000,
          partition: lease.partition,
        },
      ],
      Date.now(),
    );
  }

  /**
   * Records a health change, as a trace of its own that its event continues; the table holds
   * the new revision at once, before the record comes back on the stream.
   */
  private recordHealth(
    address: InstanceAddress,
    revision: number,
    status: InstanceStatus,
  ): Promise<number | undefined> {
    const attributes = {
      'mcp.tenant': address.tenant,
      'mcp.service': address.service,
      'mcp.instance_id': address.instanceId,
      'mcp.instance.status': status,
    };
    return tracer.startActiveSpan('record health change', { attributes }, async (span) => {
      try {
        const row = await this.instances.recordHealth(address, revision, status);
        if (row) this.table.revise(address, row.revision);
        span.setAttribute('mcp.recorded', row !== undefined);
        return row?.revision;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

function addressOf(address: InstanceAddress): InstanceAddress {
  return { tenant: address.tenant, service: address.service, instanceId: address.instanceId };
}

function partitionOf(address: { tenant: string; service: string }): number {
  return partitionOfKey(serviceKeyOf(address.tenant, address.service), LEASE_PARTITIONS);
}

function dataOf<S extends z.ZodType>(event: CloudEvent<unknown>): z.infer<S> {
  // EventConsumer has already validated the data against the catalog's schema for its type.
  return event.data as z.infer<S>;
}
