import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import {
  LeaseRenewed,
  RenewLeaseRpc,
  UnavailableError,
  createEvent,
  encodeCloudEvent,
  type InstanceAddress,
} from '@mcp/protocol';
import { RecordBatcher, RecordQueueFullError, createProducer } from '@mcp/messaging';
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
  private readonly producer: Producer;
  private readonly leaseStream: RecordBatcher;
  private readonly log: ServiceLogger;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
    private readonly registered: RegisteredInstances,
    private readonly registry: RpcClient,
  ) {
    this.log = logger.child({ component: 'heartbeats' });
    // Renewals are idempotent and unordered, so a plain producer with several requests in
    // flight will do; acks from all replicas still, so an acknowledged heartbeat is kept.
    this.producer = createProducer(kafka);
    this.leaseStream = new RecordBatcher({
      send: (topicMessages) => this.producer.sendBatch({ topicMessages, acks: -1 }),
      maxInFlight: 2,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  async renew(address: InstanceAddress): Promise<void> {
    if (!this.registered.has(address.tenant, address.service, address.instanceId)) {
      await this.registry.request(RenewLeaseRpc, address);
      heartbeats.inc({ path: 'registry' });
      return;
    }
    const { event, partitionKey } = createEvent(LeaseRenewed, address);
    const { topic } = LeaseRenewed;
    try {
      await this.leaseStream.add(topic, encodeCloudEvent(event, partitionKey));
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
