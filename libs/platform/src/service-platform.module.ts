import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import {
  createIdempotentProducer,
  createKafka,
  messagingEntities,
  messagingMigrations,
} from '@mcp/messaging';
import { serviceDataSourceOptions } from '@mcp/persistence';
import type { TelemetryHandle } from '@mcp/telemetry';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka.health';
import { MetricsController } from './metrics/metrics.controller';
import { EventPublisher } from './messaging/event-publishing';
import { MIGRATIONS_RUN, MigrationsOnStart } from './messaging/migrations-on-start';
import {
  KAFKA,
  KAFKA_PRODUCER,
  SERVICE_IDENTITY,
  SERVICE_LOGGER,
  type ServiceIdentity,
  type ServiceLogger,
} from './tokens';

export interface ServicePlatformOptions {
  identity: ServiceIdentity;
  logger: ServiceLogger;
  telemetry?: TelemetryHandle;
  kafkaBrokers: string[];
  databaseUrl: string;
  migrationsRun: boolean;
  /** The service's own entities and migrations; the outbox and dedupe tables are added here. */
  entities: (new () => object)[];
  migrations: (new () => MigrationInterface)[];
}

const TELEMETRY = Symbol('Telemetry');

class TelemetryFlush implements OnApplicationShutdown {
  constructor(@Inject(TELEMETRY) private readonly telemetry: TelemetryHandle | undefined) {}
  async onApplicationShutdown(): Promise<void> {
    await this.telemetry?.shutdown();
  }
}

/** What every MCP service stands on: its database schema, Kafka, the outbox, health and metrics. */
@Module({})
export class ServicePlatformModule {
  static forService(options: ServicePlatformOptions): DynamicModule {
    const { identity } = options;
    return {
      module: ServicePlatformModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(serviceDatabaseOptions(options)),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_IDENTITY, useValue: identity },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: MIGRATIONS_RUN, useValue: options.migrationsRun },
        { provide: TELEMETRY, useValue: options.telemetry },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: options.kafkaBrokers,
              clientId: `mcp-${identity.name}`,
              logger: options.logger,
            }),
        },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA],
          useFactory: createIdempotentProducer,
        },
        KafkaHealthIndicator,
        MigrationsOnStart,
        EventPublisher,
        TelemetryFlush,
      ],
      exports: [SERVICE_IDENTITY, SERVICE_LOGGER, KAFKA, KAFKA_PRODUCER, EventPublisher],
    };
  }
}

export function serviceDatabaseOptions(
  options: Pick<ServicePlatformOptions, 'identity' | 'databaseUrl' | 'entities' | 'migrations'>,
): DataSourceOptions {
  return serviceDataSourceOptions({
    url: options.databaseUrl,
    schema: options.identity.schema,
    applicationName: `mcp-${options.identity.name}`,
    entities: [...messagingEntities, ...options.entities],
    migrations: [...messagingMigrations, ...options.migrations],
  });
}
