// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { ConfigError, runService } from '@mcp/platform';
import { createLogger } from '@mcp/telemetry';
import { loadRegistryConfig } from './registry.config';
import { CreateInstances1763790000000 } from './instances/create-instances.migration';
import { RegistryModule } from './registry.module';

async function main(): Promise<void> {
  const config = loadRegistryConfig();
  const logger = createLogger({ service: 'registry', level: config.LOG_LEVEL });
  const platform = {
    identity: {
      name: 'registry' as const,
      version: config.MCP_VERSION,
      schema: 'registry',
      startedAt: new Date(),
    },
    logger,
    telemetry,
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    migrationsRun: config.MIGRATIONS_RUN,
    entities: [],
    migrations: [CreateInstances1763790000000],
  };
  await runService({
    platform,
    rootModule: RegistryModule.forRoot(platform),
    httpPort: config.HTTP_PORT,
    topics: topicsOwnedBy('registry'),
    rpcServer: true,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  const logger = createLogger({ service: 'registry' });
  if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal({ err: error }, 'registry failed to start');
  process.exitCode = 1;
  void telemetry.shutdown().finally(() => process.exit(1));
});
