import { DynamicModule, Global, Module } from '@nestjs/common';
import { rpcCatalog } from '@mcp/protocol';
import {
  RPC_CLIENT_OPTIONS,
  RpcClient,
  SERVICE_LOGGER,
  type RpcClientOptions,
  type ServiceLogger,
} from '@mcp/platform';

/** The gateway's one Kafka request/reply client to the backend services, shared by features. */
@Global()
@Module({})
export class BackendsModule {
  static forRoot(options: { brokers: string[]; timeoutMs: number }): DynamicModule {
    return {
      module: BackendsModule,
      providers: [
        {
          provide: RPC_CLIENT_OPTIONS,
          inject: [SERVICE_LOGGER],
          useFactory: (logger: ServiceLogger): RpcClientOptions => ({
            clientId: 'mcp-gateway',
            brokers: options.brokers,
            definitions: rpcCatalog,
            timeoutMs: options.timeoutMs,
            logger,
          }),
        },
        RpcClient,
      ],
      exports: [RpcClient],
    };
  }
}
