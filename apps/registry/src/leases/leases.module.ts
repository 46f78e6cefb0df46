import { Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module';
import { LeaseKeeper } from './lease-keeper';

@Module({
  imports: [InstancesModule],
  providers: [LeaseKeeper],
})
export class LeasesModule {}
