import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventStreams } from './event-streams.service';

/** Tenant event streams (`GET /v1/events`): Server-Sent Events straight from Kafka. */
@Module({ controllers: [EventsController], providers: [EventStreams] })
export class EventsModule {}
