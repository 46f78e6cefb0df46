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

@Module({})
export class RegistryModule {
  static forRoot(platform: ServicePlatformOptions): DynamicModule {
    return {
      module: RegistryModule,
      imports: [ServicePlatformModule.forService(platform), InstancesModule, LeasesModule],
      controllers: [serviceStatusController(ServiceStatusRpc.registry)],
      providers: [ServiceStatus],
    };
  }
}
