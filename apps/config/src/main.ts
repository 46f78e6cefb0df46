// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { ConfigError, runService } from '@mcp/platform';
import { createLogger } from '@mcp/telemetry';
import { loadConfigServiceConfig } from './config-service.config';
import { ConfigServiceModule } from './config-service.module';

async function main(): Promise<void> {
  const config = loadConfigServiceConfig();
  const logger = createLogger({ service: 'config', level: config.LOG_LEVEL });
  const platform = {
    identity: {
      name: 'config' as const,
      version: config.MCP_VERSION,
      schema: 'config',
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
    rootModule: ConfigServiceModule.forRoot(platform),
    httpPort: config.HTTP_PORT,
    topics: topicsOwnedBy('config'),
    rpcServer: true,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  const logger = createLogger({ service: 'config' });
  if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal({ err: error }, 'config failed to start');
  process.exitCode = 1;
  void telemetry.shutdown().finally(() => process.exit(1));
});
