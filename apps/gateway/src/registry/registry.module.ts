import { Module } from '@nestjs/common';
import { HeartbeatIngress } from './heartbeat-ingress';
import { HeartbeatRoute } from './heartbeat.route';
import { HeartbeatService } from './heartbeats.service';
import { RegisteredInstances } from './registered-instances';
import { ServicesController } from './services.controller';

@Module({
  controllers: [ServicesController],
  providers: [RegisteredInstances, HeartbeatService, HeartbeatIngress, HeartbeatRoute],
  exports: [HeartbeatRoute],
})
export class RegistryRoutesModule {}
