import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import {
  InstanceDeregistered,
  InstanceExpired,
  InstanceHealthChanged,
  InstanceRegistered,
  InstanceSnapshot,
  InstanceUpdated,
  InvalidInputError,
  LeaseGranted,
  LeaseReleased,
  LeaseRenewed,
  LeaseRevised,
  NotFoundError,
  Topic,
  createEvent,
  encodeCloudEvent,
  instanceKeyOf,
  type EventDefinition,
  type InstanceAddress,
  type InstanceList,
  type InstanceStatus,
  type InstanceView,
  type RegisterInstanceBody,
  type RegisteredInstance,
  type ServiceList,
} from '@mcp/protocol';
import { BatchingProducer, Outbox } from '@mcp/messaging';
import { EventPublisher, KAFKA } from '@mcp/platform';
import { parseSelector } from '@mcp/selectors';
import { sameRegistration, toInstanceView, type InstanceRow } from './instance-row';

const PK = 'tenant_id = $1 AND service = $2 AND instance_id = $3';

/**
 * The registry's source of truth: every change of an instance commits with its event, its new
 * state on the compacted topic, and its lease grant, revision or release, through the outbox.
 */
@Injectable()
export class InstancesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly outbox = new Outbox();
  /** Renewals only; never the outbox relay's idempotent producer, which must not be shared. */
  private readonly leaseStream: BatchingProducer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(KAFKA) kafka: Kafka,
  ) {
    this.leaseStream = new BatchingProducer(kafka, { name: 'lease-renewals' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.leaseStream.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.leaseStream.disconnect();
  }

  /** Idempotent PUT: creates, updates, or (unchanged) just renews the lease. */
  async register(
    address: InstanceAddress,
    body: RegisterInstanceBody,
  ): Promise<RegisteredInstance> {
    const now = new Date();
    const { row, created } = await this.dataSource.transaction(async (manager) => {
      const inserted: InstanceRow[] = await manager.query(
        `INSERT INTO instances (tenant_id, service, instance_id, host, port, weight, labels, ttl_seconds,
                                health_check, status, revision, registered_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'up', 1, $10, $10)
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          ...key(address),
          body.host,
          body.port,
          body.weight,
          body.labels,
          body.ttlSeconds,
          body.healthCheck ?? null,
          now,
        ],
      );
      if (inserted.length > 0) {
        await this.recordChange(manager, address.tenant, InstanceRegistered, inserted[0]);
        return { row: inserted[0], created: true };
      }
      const [current]: InstanceRow[] = await manager.query(
        `SELECT * FROM instances WHERE ${PK} FOR UPDATE`,
        key(address),
      );
      if (sameRegistration(current, body)) {
        await this.grantLease(manager, address.tenant, current);
        return { row: current, created: false };
      }
      // A down instance stays down across a re-registration until its check passes again;
      // without a check nothing would ever bring it back, so it is up.
      const [updated] = returnedRows(
        await manager.query(
          `UPDATE instances SET host = $4, port = $5, weight = $6, labels = $7, ttl_seconds = $8,
                health_check = $9, revision = revision + 1, updated_at = $10,
                status = CASE WHEN $9::jsonb IS NULL THEN 'up' ELSE status END
         WHERE ${PK} RETURNING *`,
          [
            ...key(address),
            body.host,
            body.port,
            body.weight,
            body.labels,
            body.ttlSeconds,
            body.healthCheck ?? null,
            now,
          ],
        ),
      );
      await this.recordChange(manager, address.tenant, InstanceUpdated, updated);
      return { row: updated, created: false };
    });
    this.publisher.wake();
    return {
      instance: toInstanceView(row),
      leaseExpiresAt: leaseEnd(now, row.ttl_seconds),
      created,
    };
  }

  /**
   * A heartbeat the gateway could not place (it did not know the instance yet): one indexed read
   * to answer "is the lease still there?", then a record on the lease stream — no SQL write.
   */
  async renew(address: InstanceAddress): Promise<{ leaseExpiresAt: string }> {
    const now = new Date();
    const rows: { ttl_seconds: number }[] = await this.dataSource.query(
      `SELECT ttl_seconds FROM instances WHERE ${PK}`,
      key(address),
    );
    if (rows.length === 0) throw notRegistered(address);
    const { event, partitionKey } = createEvent(LeaseRenewed, address);
    await this.leaseStream.add(Topic.RegistryLeases, encodeCloudEvent(event, partitionKey));
    return { leaseExpiresAt: leaseEnd(now, rows[0].ttl_seconds) };
  }

  async deregister(address: InstanceAddress): Promise<{ removed: boolean }> {
    const removed = await this.remove(address, undefined, InstanceDeregistered);
    if (!removed) throw notRegistered(address);
    return { removed };
  }

  /** Called by the lease owner: removes the instance only if its lease revision still holds. */
  async expire(address: InstanceAddress, revision: number): Promise<boolean> {
    return this.remove(address, revision, InstanceExpired);
  }

  /**
   * Called by the instance's lease owner when its health check crossed a threshold: moves the
   * status (and the revision) only if the instance is still at the revision the probes were
   * counted against, so a concurrent re-registration or removal wins. Answers the new row, or
   * undefined when the instance had moved on.
   */
  async recordHealth(
    address: InstanceAddress,
    revision: number,
    status: InstanceStatus,
  ): Promise<InstanceRow | undefined> {
    const row = await this.dataSource.transaction(async (manager) => {
      const [updated] = returnedRows(
        await manager.query(
          `UPDATE instances SET status = $4, revision = revision + 1, updated_at = $5
           WHERE ${PK} AND revision = $6 AND status <> $4 RETURNING *`,
          [...key(address), status, new Date(), revision],
        ),
      );
      if (!updated) return undefined;
      const instance = toInstanceView(updated);
      await this.outbox.add(manager, InstanceHealthChanged, { tenant: address.tenant, instance });
      await this.outbox.add(manager, InstanceSnapshot, { tenant: address.tenant, instance });
      // The lease owner's expiry is conditional on the revision: tell it (and any replica that
      // takes the partition over and replays the stream) that the lease now stands for this one.
      await this.outbox.add(manager, LeaseRevised, {
        ...address,
        revision: updated.revision,
        status: updated.status,
      });
      return updated;
    });
    if (row) this.publisher.wake();
    return row;
  }

  /** The lease an instance holds now, as its owner would adopt it; undefined if it is gone. */
  async currentLease(
    address: InstanceAddress,
  ): Promise<{ revision: number; ttlSeconds: number } | undefined> {
    const rows: { revision: number; ttl_seconds: number }[] = await this.dataSource.query(
      `SELECT revision, ttl_seconds FROM instances WHERE ${PK}`,
      key(address),
    );
    return rows[0] && { revision: rows[0].revision, ttlSeconds: rows[0].ttl_seconds };
  }

  async listServices(tenant: string, limit: number, cursor?: string): Promise<ServiceList> {
    const after = cursor === undefined ? '' : decodeCursor(cursor);
    const rows: { service: string; instances: number; healthy: number }[] =
      await this.dataSource.query(
        `SELECT service, count(*)::int AS instances, count(*) FILTER (WHERE status = 'up')::int AS healthy
       FROM instances WHERE tenant_id = $1 AND service > $2
       GROUP BY service ORDER BY service LIMIT $3`,
        [tenant, after, limit + 1],
      );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ name: r.service, instances: r.instances, healthy: r.healthy })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].service) : null,
    };
  }

  async listInstances(
    tenant: string,
    service: string,
    selectorText: string | undefined,
    healthyOnly: boolean,
  ): Promise<InstanceList> {
    const selector = parseSelector(selectorText ?? '');
    const rows: InstanceRow[] = await this.dataSource.query(
      'SELECT * FROM instances WHERE tenant_id = $1 AND service = $2 ORDER BY instance_id',
      [tenant, service],
    );
    // A service exists while it has instances; another tenant's service does not exist here.
    if (rows.length === 0)
      throw new NotFoundError(`Service "${service}" has no registered instances.`);
    return {
      items: rows
        .filter((r) => (!healthyOnly || r.status === 'up') && selector.matches(r.labels))
        .map(toInstanceView),
    };
  }

  private async remove(
    address: InstanceAddress,
    revision: number | undefined,
    reason: EventDefinition<typeof InstanceExpired.schema>,
  ): Promise<boolean> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const rows = returnedRows(
        await manager.query(
          `DELETE FROM instances WHERE ${PK} ${revision === undefined ? '' : 'AND revision = $4'} RETURNING *`,
          revision === undefined ? key(address) : [...key(address), revision],
        ),
      );
      if (rows.length === 0) return false;
      const row = rows[0];
      const instance = toInstanceView(row);
      await this.outbox.add(manager, reason, { tenant: address.tenant, instance });
      await this.outbox.addTombstone(
        manager,
        Topic.RegistryInstances,
        instanceKeyOf(address.tenant, row.service, row.instance_id),
      );
      await this.outbox.add(manager, LeaseReleased, { ...address, revision: row.revision });
      return true;
    });
    if (removed) this.publisher.wake();
    return removed;
  }

  private async recordChange(
    manager: EntityManager,
    tenant: string,
    change: EventDefinition<typeof InstanceRegistered.schema>,
    row: InstanceRow,
  ): Promise<void> {
    const instance: InstanceView = toInstanceView(row);
    await this.outbox.add(manager, change, { tenant, instance });
    await this.outbox.add(manager, InstanceSnapshot, { tenant, instance });
    await this.grantLease(manager, tenant, row);
  }

  private async grantLease(
    manager: EntityManager,
    tenant: string,
    row: InstanceRow,
  ): Promise<void> {
    await this.outbox.add(manager, LeaseGranted, {
      tenant,
      service: row.service,
      instanceId: row.instance_id,
      ttlSeconds: row.ttl_seconds,
      revision: row.revision,
      ...(row.health_check
        ? {
            probe: {
              host: row.host,
              port: row.port,
              healthCheck: row.health_check,
              status: row.status,
            },
          }
        : {}),
    });
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING on Postgres as [rows, affected]; INSERT as rows. */
function returnedRows(result: unknown): InstanceRow[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as InstanceRow[];
  }
  return result as InstanceRow[];
}

function key(address: InstanceAddress): [string, string, string] {
  return [address.tenant, address.service, address.instanceId];
}

function leaseEnd(from: Date, ttlSeconds: number): string {
  return new Date(from.getTime() + ttlSeconds * 1000).toISOString();
}

function notRegistered(address: InstanceAddress): NotFoundError {
  return new NotFoundError(
    `Instance "${address.instanceId}" of service "${address.service}" is not registered (or its lease lapsed); register it again.`,
  );
}

function encodeCursor(service: string): string {
  return Buffer.from(service, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const service = Buffer.from(cursor, 'base64url').toString('utf8');
  if (service.length === 0 || encodeCursor(service) !== cursor) {
    throw new InvalidInputError('The cursor is not one this API handed out.');
  }
  return service;
}
