import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@mcp/messaging';
import { KAFKA_PRODUCER, SERVICE_LOGGER, type ServiceLogger } from '../tokens';

/**
 * Publishes this service's outbox to Kafka for the lifetime of the app. Services call `wake()`
 * after committing a change so its event leaves at once instead of at the next poll.
 */
@Injectable()
export class EventPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(SERVICE_LOGGER) logger: ServiceLogger,
  ) {
    this.relay = new OutboxRelay({
      dataSource,
      producer,
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    this.relay.start();
  }

  wake(): void {
    this.relay.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.producer.disconnect();
  }
}
