import type { DynamicModule } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { TopicSpec } from '@mcp/protocol';
import { createLogger, type TelemetryHandle } from '@mcp/telemetry';
import { ConfigError } from '../config/load-config';
import type { ServicePlatformOptions } from '../service-platform.module';
import type { ServiceIdentity, ServiceLogger } from '../tokens';
import { runService, type RunServiceOptions } from './run-service';

/** What every service's configuration holds (see `commonServiceEnv`). */
export interface CommonServiceConfig {
  KAFKA_BROKERS: string[];
  DATABASE_URL: string;
  LOG_LEVEL: string;
  MIGRATIONS_RUN: boolean;
  SHUTDOWN_TIMEOUT_MS: number;
  MCP_VERSION: string;
}

export interface ServiceLaunch<C extends CommonServiceConfig> {
  name: ServiceIdentity['name'];
  /** Started by the app's instrumentation module before anything else was loaded. */
  telemetry: TelemetryHandle;
  loadConfig: () => C;
  entities?: (new () => object)[];
  migrations?: (new () => MigrationInterface)[];
  httpPort: (config: C) => number;
  topics: readonly TopicSpec[];
  rpcServer: boolean;
  rootModule: (config: C, platform: ServicePlatformOptions) => DynamicModule;
  /** Hot routes served ahead of Express (see installFastRoutes), built from the app's providers. */
  fastRoutes?: RunServiceOptions['fastRoutes'];
  /** Anything the service wants to say once its configuration is known. */
  onConfig?: (config: C, logger: ServiceLogger) => void;
}

/**
 * The whole of a service's `main`: read the configuration (a bad variable stops the process with
 * one message naming it), then run the service; a failure to start is logged and exits 1.
 */
export function launchService<C extends CommonServiceConfig>(launch: ServiceLaunch<C>): void {
  void start(launch).catch((error: unknown) => {
    const logger = createLogger({ service: launch.name });
    if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
    else logger.fatal({ err: error }, `${launch.name} failed to start`);
    process.exitCode = 1;
    void launch.telemetry.shutdown().finally(() => process.exit(1));
  });
}

async function start<C extends CommonServiceConfig>(launch: ServiceLaunch<C>): Promise<void> {
  const config = launch.loadConfig();
  const logger = createLogger({ service: launch.name, level: config.LOG_LEVEL });
  launch.onConfig?.(config, logger);
  const platform: ServicePlatformOptions = {
    identity: {
      name: launch.name,
      version: config.MCP_VERSION,
      schema: launch.name,
      startedAt: new Date(),
    },
    logger,
    telemetry: launch.telemetry,
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    migrationsRun: config.MIGRATIONS_RUN,
    entities: launch.entities ?? [],
    migrations: launch.migrations ?? [],
  };
  await runService({
    platform,
    rootModule: launch.rootModule(config, platform),
    httpPort: launch.httpPort(config),
    topics: launch.topics,
    rpcServer: launch.rpcServer,
    fastRoutes: launch.fastRoutes,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}
