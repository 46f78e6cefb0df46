// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicCatalog, topicsOwnedBy } from '@mcp/protocol';
import { ConfigError, runService } from '@mcp/platform';
import { createLogger } from '@mcp/telemetry';
import { DEVELOPMENT_ADMIN_KEY, loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { CreateApiKeys1763790000000 } from './keys/create-api-keys.migration';
import { ApiKeyRecord } from './keys/api-key.entity';
import { CreateTenants1763780000000 } from './tenants/create-tenants.migration';
import { TenantRecord } from './tenants/tenant.entity';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  if (config.MCP_ADMIN_KEY === DEVELOPMENT_ADMIN_KEY) {
    logger.warn(
      'MCP_ADMIN_KEY is the development default; set your own outside a developer machine',
    );
  }
  const platform = {
    identity: {
      name: 'gateway' as const,
      version: config.MCP_VERSION,
      schema: 'gateway',
      startedAt: new Date(),
    },
    logger,
    telemetry,
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    migrationsRun: config.MIGRATIONS_RUN,
    entities: [TenantRecord, ApiKeyRecord],
    migrations: [CreateTenants1763780000000, CreateApiKeys1763790000000],
  };
  // The gateway also sends requests, so it makes sure the request topics exist even if it
  // starts before the services that answer them.
  const requestTopics = topicCatalog.filter(
    (t) => t.name.includes('.rpc.') && !t.name.endsWith('.reply'),
  );
  await runService({
    platform,
    rootModule: GatewayModule.forRoot(config, platform),
    httpPort: config.GATEWAY_ADMIN_PORT,
    topics: [...topicsOwnedBy('gateway'), ...requestTopics],
    rpcServer: false,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  const logger = createLogger({ service: 'gateway' });
  if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
  void telemetry.shutdown().finally(() => process.exit(1));
});
