// Must stay the first import: instrumentation patches http, kafkajs and pg as they load.
import { telemetry } from './instrumentation';
import { topicsOwnedBy } from '@mcp/protocol';
import { launchService } from '@mcp/platform';
import { loadSchedulerConfig } from './scheduler.config';
import { SchedulerModule } from './scheduler.module';

launchService({
  name: 'scheduler',
  telemetry,
  loadConfig: () => loadSchedulerConfig(),
  httpPort: (config) => config.HTTP_PORT,
  topics: topicsOwnedBy('scheduler'),
  rpcServer: true,
  rootModule: (_config, platform) => SchedulerModule.forRoot(platform),
});
