import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import {
  LeaseRenewed,
  RenewLeaseRpc,
  UnavailableError,
  createEvent,
  encodeCloudEvent,
  type InstanceAddress,
} from '@mcp/protocol';
import { BatchingProducer, RecordQueueFullError } from '@mcp/messaging';
import { KAFKA, RpcClient, SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { createCounter } from '@mcp/telemetry';
import { RegisteredInstances } from './registered-instances';

const heartbeats = createCounter({
  name: 'mcp_gateway_heartbeats_total',
  help: 'Heartbeats accepted, by path: written straight to the lease stream, or via the registry',
  labelNames: ['path'],
});

/**
 * Renews leases. A heartbeat for an instance this replica knows is registered becomes one
 * LeaseRenewed record on the lease stream, batched with its neighbours: no round trip to the
 * registry, no SQL. Only an unknown instance costs a registry request, which answers not_found
 * when the lease is really gone (the client then registers again) or renews it when this
 * replica's view was just behind.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly leaseStream: BatchingProducer;
  private readonly log: ServiceLogger;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
    private readonly registered: RegisteredInstances,
    private readonly registry: RpcClient,
  ) {
    this.log = logger.child({ component: 'heartbeats' });
    this.leaseStream = new BatchingProducer(kafka, { name: 'lease-renewals' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.leaseStream.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.leaseStream.disconnect();
  }

  /**
   * `sentAt` (ms since the epoch) is when the heartbeat reached MCP, if that was earlier than now
   * — a record off the heartbeat topic — so a backlog never stretches a lease.
   */
  async renew(address: InstanceAddress, sentAt?: number): Promise<void> {
    if (!this.registered.has(address.tenant, address.service, address.instanceId)) {
      await this.registry.request(RenewLeaseRpc, address);
      heartbeats.inc({ path: 'registry' });
      return;
    }
    const now = Date.now();
    const at = sentAt !== undefined && Number.isFinite(sentAt) ? Math.min(sentAt, now) : now;
    const { event, partitionKey } = createEvent(LeaseRenewed, address, { time: new Date(at) });
    const { topic } = LeaseRenewed;
    try {
      // The lease keeper counts a renewal from the record's timestamp.
      const record = { ...encodeCloudEvent(event, partitionKey), timestamp: String(at) };
      await this.leaseStream.add(topic, record);
    } catch (error) {
      if (error instanceof RecordQueueFullError) {
        throw new UnavailableError('This gateway has too many heartbeats waiting; retry shortly.');
      }
      this.log.warn({ err: error }, 'could not write a heartbeat to the lease stream');
      throw new UnavailableError('Heartbeats cannot be recorded right now; retry shortly.');
    }
    heartbeats.inc({ path: 'direct' });
  }
}
