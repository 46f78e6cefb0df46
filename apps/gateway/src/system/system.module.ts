import { DynamicModule, Module } from '@nestjs/common';
import { ServiceStatusRpc } from '@mcp/protocol';
import {
  RPC_CLIENT_OPTIONS,
  RpcClient,
  SERVICE_LOGGER,
  type RpcClientOptions,
  type ServiceLogger,
} from '@mcp/platform';
import { SystemController } from './system.controller';
import { SystemStatusService } from './system-status.service';

@Module({})
export class SystemModule {
  static forRoot(options: { brokers: string[]; timeoutMs: number }): DynamicModule {
    return {
      module: SystemModule,
      controllers: [SystemController],
      providers: [
        {
          provide: RPC_CLIENT_OPTIONS,
          inject: [SERVICE_LOGGER],
          useFactory: (logger: ServiceLogger): RpcClientOptions => ({
            clientId: 'mcp-gateway',
            brokers: options.brokers,
            definitions: Object.values(ServiceStatusRpc),
            timeoutMs: options.timeoutMs,
            logger,
          }),
        },
        RpcClient,
        SystemStatusService,
      ],
    };
  }
}
