import { DynamicModule, Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module';
import { REGISTRY_CONFIG, type RegistryConfig } from '../registry.config';
import { LeaseKeeper } from './lease-keeper';

@Module({})
export class LeasesModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: LeasesModule,
      imports: [InstancesModule],
      providers: [{ provide: REGISTRY_CONFIG, useValue: config }, LeaseKeeper],
    };
  }
}
