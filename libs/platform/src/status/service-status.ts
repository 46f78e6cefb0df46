import { Controller, Inject, Injectable, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import type { ServiceStatusReply, ServiceStatusRpc } from '@mcp/protocol';
import type { z } from 'zod';
import { answerRpc } from '../rpc/answer-rpc';
import {
  SERVICE_IDENTITY,
  SERVICE_LOGGER,
  type ServiceIdentity,
  type ServiceLogger,
} from '../tokens';

type StatusReply = z.infer<typeof ServiceStatusReply>;

/** A service's own view of itself: up, and able to read its own schema. */
@Injectable()
export class ServiceStatus {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
  ) {}

  async current(): Promise<StatusReply> {
    const started = process.hrtime.bigint();
    let ok = true;
    try {
      // Reads a table of the service's own schema, so the answer proves more than a live socket.
      await this.dataSource.query('SELECT count(*) FROM migrations');
    } catch {
      ok = false;
    }
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      service: this.identity.name,
      status: ok ? 'ok' : 'degraded',
      version: this.identity.version,
      uptimeSeconds: Math.round((Date.now() - this.identity.startedAt.getTime()) / 1000),
      database: { ok, latencyMs: Math.round(latencyMs * 100) / 100, schema: this.identity.schema },
    };
  }
}

type StatusRpc = (typeof ServiceStatusRpc)[keyof typeof ServiceStatusRpc];

/** The Kafka request/reply endpoint through which the gateway asks a service for its status. */
export function serviceStatusController(definition: StatusRpc): Type<unknown> {
  @Controller()
  class ServiceStatusController {
    constructor(
      private readonly status: ServiceStatus,
      @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
    ) {}

    @MessagePattern(definition.pattern)
    answer(@Payload() payload: unknown) {
      return answerRpc(definition, payload, () => this.status.current(), this.logger);
    }
  }
  return ServiceStatusController;
}
