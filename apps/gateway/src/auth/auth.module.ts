import { DynamicModule, Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { OperatorGuard } from './operator.guard';

/** Credentials checks, available to every feature of the gateway. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, OperatorGuard],
      exports: [GATEWAY_CONFIG, OperatorGuard],
    };
  }
}
