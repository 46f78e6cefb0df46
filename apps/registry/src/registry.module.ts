import { DynamicModule, Module } from '@nestjs/common';
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
      imports: [ServicePlatformModule.forService(platform)],
      controllers: [serviceStatusController(ServiceStatusRpc.registry)],
      providers: [ServiceStatus],
    };
  }
}
