import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import {
  DeregisterInstanceRpc,
  InstanceId,
  ListInstancesQuery,
  ListInstancesRpc,
  ListServicesRpc,
  ListTenantsQuery,
  RegisterInstanceBody,
  RegisterInstanceRpc,
  ServiceNameParam,
} from '@mcp/protocol';
import { RpcClient, parseInput } from '@mcp/platform';
import { parseSelector } from '@mcp/selectors';
import { Caller, RequireScopes, type CallerIdentity } from '../auth';
import { HeartbeatService } from './heartbeats.service';

const InstancePath = z.object({ service: ServiceNameParam, instanceId: InstanceId });

/**
 * The registry's HTTP face: authenticates the tenant, validates the input, and asks the registry
 * over Kafka (heartbeats mostly go straight to the lease stream, see HeartbeatService). The
 * tenant always comes from the credential, never from the request.
 */
@Controller('v1/services')
export class ServicesController {
  constructor(
    private readonly registry: RpcClient,
    private readonly heartbeats: HeartbeatService,
  ) {}

  @Put(':service/instances/:instanceId')
  @RequireScopes('registry:write')
  async register(
    @Caller() caller: CallerIdentity,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const path = parseInput(InstancePath, params, 'path');
    const registration = parseInput(RegisterInstanceBody, body ?? {}, 'instance');
    const reply = await this.registry.request(RegisterInstanceRpc, {
      tenant: caller.tenant,
      ...path,
      body: registration,
    });
    res.status(reply.created ? 201 : 200);
    return { instance: reply.instance, leaseExpiresAt: reply.leaseExpiresAt };
  }

  @Put(':service/instances/:instanceId/heartbeat')
  @HttpCode(204)
  @RequireScopes('registry:write')
  async heartbeat(@Caller() caller: CallerIdentity, @Param() params: unknown): Promise<void> {
    const path = parseInput(InstancePath, params, 'path');
    await this.heartbeats.renew({ tenant: caller.tenant, ...path });
  }

  @Delete(':service/instances/:instanceId')
  @HttpCode(204)
  @RequireScopes('registry:write')
  async deregister(@Caller() caller: CallerIdentity, @Param() params: unknown): Promise<void> {
    const path = parseInput(InstancePath, params, 'path');
    await this.registry.request(DeregisterInstanceRpc, { tenant: caller.tenant, ...path });
  }

  @Get()
  @RequireScopes('registry:read')
  list(@Caller() caller: CallerIdentity, @Query() query: unknown) {
    const { limit, cursor } = parseInput(ListTenantsQuery, query, 'query');
    return this.registry.request(ListServicesRpc, { tenant: caller.tenant, limit, cursor });
  }

  @Get(':service/instances')
  @RequireScopes('registry:read')
  instances(
    @Caller() caller: CallerIdentity,
    @Param('service') service: string,
    @Query() query: unknown,
  ) {
    const name = parseInput(ServiceNameParam, service, 'service');
    const { selector, healthy } = parseInput(ListInstancesQuery, query, 'query');
    if (selector !== undefined) parseSelector(selector); // a bad selector is a 400 here, not a round trip
    return this.registry.request(ListInstancesRpc, {
      tenant: caller.tenant,
      service: name,
      selector,
      healthyOnly: healthy === 'true',
    });
  }
}
