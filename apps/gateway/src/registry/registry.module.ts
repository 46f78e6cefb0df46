import { Module } from '@nestjs/common';
import { HeartbeatService } from './heartbeats.service';
import { RegisteredInstances } from './registered-instances';
import { ServicesController } from './services.controller';

@Module({
  controllers: [ServicesController],
  providers: [RegisteredInstances, HeartbeatService],
})
export class RegistryRoutesModule {}
