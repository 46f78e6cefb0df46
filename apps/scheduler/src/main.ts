// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { ConfigError, runService } from '@mcp/platform';
import { createLogger } from '@mcp/telemetry';
import { loadSchedulerConfig } from './scheduler.config';
import { SchedulerModule } from './scheduler.module';

async function main(): Promise<void> {
  const config = loadSchedulerConfig();
  const logger = createLogger({ service: 'scheduler', level: config.LOG_LEVEL });
  const platform = {
    identity: {
      name: 'scheduler' as const,
      version: config.MCP_VERSION,
      schema: 'scheduler',
      startedAt: new Date(),
    },
    logger,
    telemetry,
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    migrationsRun: config.MIGRATIONS_RUN,
    entities: [],
    migrations: [],
  };
  await runService({
    platform,
    rootModule: SchedulerModule.forRoot(platform),
    httpPort: config.HTTP_PORT,
    topics: topicsOwnedBy('scheduler'),
    rpcServer: true,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  const logger = createLogger({ service: 'scheduler' });
  if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal({ err: error }, 'scheduler failed to start');
  process.exitCode = 1;
  void telemetry.shutdown().finally(() => process.exit(1));
});
