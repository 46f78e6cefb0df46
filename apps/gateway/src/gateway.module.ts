import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule, type ServicePlatformOptions } from '@mcp/platform';
import { AuthModule } from './auth/auth.module';
import { BackendsModule } from './backends/backends.module';
import { DocsController } from './docs/docs.controller';
import { EventsModule } from './events/events.module';
import type { GatewayConfig } from './gateway.config';
import { KeysModule } from './keys/keys.module';
import { ProxyModule } from './proxy/proxy.module';
import { RegistryRoutesModule } from './registry/registry.module';
import { SystemModule } from './system/system.module';
import { TenantsModule } from './tenants/tenants.module';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, platform: ServicePlatformOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServicePlatformModule.forService(platform),
        AuthModule.forRoot(config),
        TenantsModule,
        KeysModule,
        BackendsModule.forRoot({ brokers: config.KAFKA_BROKERS, timeoutMs: config.RPC_TIMEOUT_MS }),
        SystemModule,
        RegistryRoutesModule,
        EventsModule,
        ProxyModule.forRoot(config.GATEWAY_PROXY_PORT),
      ],
      controllers: [DocsController],
    };
  }
}
