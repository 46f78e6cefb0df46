import { DynamicModule, Module } from '@nestjs/common';
import { InstancesModule } from './instances/instances.module';
import { LeasesModule } from './leases/leases.module';
import { ServiceStatusRpc } from '@mcp/protocol';
import {
  ServicePlatformModule,
  ServiceStatus,
  serviceStatusController,
  type ServicePlatformOptions,
} from '@mcp/platform';
import type { RegistryConfig } from './registry.config';

@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig, platform: ServicePlatformOptions): DynamicModule {
    return {
      module: RegistryModule,
      imports: [
        ServicePlatformModule.forService(platform),
        InstancesModule,
        LeasesModule.forRoot(config),
      ],
      controllers: [serviceStatusController(ServiceStatusRpc.registry)],
      providers: [ServiceStatus],
    };
  }
}
