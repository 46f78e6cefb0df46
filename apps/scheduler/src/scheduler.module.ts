import { DynamicModule, Module } from '@nestjs/common';
import { ServiceStatusRpc } from '@mcp/protocol';
import {
  ServicePlatformModule,
  ServiceStatus,
  serviceStatusController,
  type ServicePlatformOptions,
} from '@mcp/platform';

@Module({})
export class SchedulerModule {
  static forRoot(platform: ServicePlatformOptions): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [ServicePlatformModule.forService(platform)],
      controllers: [serviceStatusController(ServiceStatusRpc.scheduler)],
      providers: [ServiceStatus],
    };
  }
}
