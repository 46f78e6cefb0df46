import { DynamicModule, Global, Module } from '@nestjs/common';
import { rpcCatalog } from '@mcp/protocol';
import {
  RPC_CLIENT_OPTIONS,
  RpcClient,
  SERVICE_IDENTITY,
  SERVICE_LOGGER,
  exitWhenConsumerDies,
  type RpcClientOptions,
  type ServiceIdentity,
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
          inject: [SERVICE_LOGGER, SERVICE_IDENTITY],
          useFactory: (logger: ServiceLogger, identity: ServiceIdentity): RpcClientOptions => ({
            clientId: 'mcp-gateway',
            brokers: options.brokers,
            definitions: rpcCatalog,
            timeoutMs: options.timeoutMs,
            logger,
            onConsumer: (consumer) =>
              exitWhenConsumerDies(consumer, { logger, identity }, 'request/reply client'),
          }),
        },
        RpcClient,
      ],
      exports: [RpcClient],
    };
  }
}
