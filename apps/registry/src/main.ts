// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { launchService } from '@mcp/platform';
import { CreateInstances1763790000000 } from './instances/create-instances.migration';
import { loadRegistryConfig } from './registry.config';
import { RegistryModule } from './registry.module';

launchService({
  name: 'registry',
  telemetry,
  loadConfig: () => loadRegistryConfig(),
  migrations: [CreateInstances1763790000000],
  httpPort: (config) => config.HTTP_PORT,
  topics: topicsOwnedBy('registry'),
  rpcServer: true,
  rootModule: (config, platform) => RegistryModule.forRoot(config, platform),
});
