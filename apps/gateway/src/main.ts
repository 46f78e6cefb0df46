// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { Topic, topicCatalog, topicsOwnedBy } from '@mcp/protocol';
import { launchService } from '@mcp/platform';
import { DEVELOPMENT_ADMIN_KEY, loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { ApiKeyRecord } from './keys/api-key.entity';
import { CreateApiKeys1763790000000 } from './keys/create-api-keys.migration';
import { HeartbeatRoute } from './registry/heartbeat.route';
import { CreateTenants1763780000000 } from './tenants/create-tenants.migration';
import { TenantRecord } from './tenants/tenant.entity';

// The gateway sends every request, so it makes sure the request topics exist even if it starts
// before the services that answer them.
const requestTopics = topicCatalog.filter(
  (t) => t.name.includes('.rpc.') && !t.name.endsWith('.reply'),
);
// Topics it reads or writes itself: if it starts first they must exist with their real settings
// (the state topic compacted), not as whatever the broker would auto-create.
const registryTopics = topicCatalog.filter((t) =>
  [Topic.RegistryInstances, Topic.RegistryLeases, Topic.RegistryEvents].some(
    (name) => name === t.name,
  ),
);

launchService({
  name: 'gateway',
  telemetry,
  loadConfig: () => loadGatewayConfig(),
  entities: [TenantRecord, ApiKeyRecord],
  migrations: [CreateTenants1763780000000, CreateApiKeys1763790000000],
  httpPort: (config) => config.GATEWAY_ADMIN_PORT,
  topics: [...topicsOwnedBy('gateway'), ...requestTopics, ...registryTopics],
  rpcServer: false,
  rootModule: (config, platform) => GatewayModule.forRoot(config, platform),
  // Heartbeats are most of the gateway's traffic; they skip Express and Nest.
  fastRoutes: (app) => [app.get(HeartbeatRoute)],
  onConfig: (config, logger) => {
    if (config.MCP_ADMIN_KEY === DEVELOPMENT_ADMIN_KEY) {
      logger.warn(
        'MCP_ADMIN_KEY is the development default; set your own outside a developer machine',
      );
    }
  },
});
