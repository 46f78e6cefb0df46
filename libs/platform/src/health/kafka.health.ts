import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import { withTimeout } from '@mcp/resilience';
import { KAFKA } from '../tokens';

/** Ready only while a broker answers a metadata request. */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin?: Admin;
  private connecting?: Promise<void>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: string, timeoutMs = 2000) {
    const indicator = this.indicators.check(key);
    try {
      const cluster = await withTimeout(async () => {
        await this.connect();
        return (this.admin as Admin).describeCluster();
      }, timeoutMs);
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (error) {
      this.reset();
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (!this.admin) this.admin = this.kafka.admin();
    if (!this.connecting) this.connecting = this.admin.connect();
    return this.connecting;
  }

  private reset(): void {
    const admin = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    void admin?.disconnect().catch(() => undefined);
  }
}
