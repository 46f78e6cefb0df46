import { DynamicModule, Module } from '@nestjs/common';
import { PROXY_PORT, ProxyServer } from './proxy.server';

@Module({})
export class ProxyModule {
  static forRoot(port: number): DynamicModule {
    return {
      module: ProxyModule,
      providers: [{ provide: PROXY_PORT, useValue: port }, ProxyServer],
    };
  }
}
