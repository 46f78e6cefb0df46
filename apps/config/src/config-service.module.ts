import { DynamicModule, Module } from '@nestjs/common';
import { ServiceStatusRpc } from '@mcp/protocol';
import {
  ServicePlatformModule,
  ServiceStatus,
  serviceStatusController,
  type ServicePlatformOptions,
} from '@mcp/platform';

@Module({})
export class ConfigServiceModule {
  static forRoot(platform: ServicePlatformOptions): DynamicModule {
    return {
      module: ConfigServiceModule,
      imports: [ServicePlatformModule.forService(platform)],
      controllers: [serviceStatusController(ServiceStatusRpc.config)],
      providers: [ServiceStatus],
    };
  }
}
