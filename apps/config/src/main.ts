// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { launchService } from '@mcp/platform';
import { loadConfigServiceConfig } from './config-service.config';
import { ConfigServiceModule } from './config-service.module';

launchService({
  name: 'config',
  telemetry,
  loadConfig: () => loadConfigServiceConfig(),
  httpPort: (config) => config.HTTP_PORT,
  topics: topicsOwnedBy('config'),
  rpcServer: true,
  rootModule: (_config, platform) => ConfigServiceModule.forRoot(platform),
});
