import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeregisterInstanceRpc,
  ListInstancesRpc,
  ListServicesRpc,
  RegisterInstanceRpc,
  RenewLeaseRpc,
} from '@mcp/protocol';
import { SERVICE_LOGGER, answerRpc, type ServiceLogger } from '@mcp/platform';
import { InstancesService } from './instances.service';

/** The registry's request/reply endpoints; the gateway has already authenticated the tenant. */
@Controller()
export class InstancesController {
  constructor(
    private readonly instances: InstancesService,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
  ) {}

  @MessagePattern(RegisterInstanceRpc.pattern)
  register(@Payload() payload: unknown) {
    return answerRpc(
      RegisterInstanceRpc,
      payload,
      ({ body, ...address }) => this.instances.register(address, body),
      this.logger,
    );
  }

  @MessagePattern(RenewLeaseRpc.pattern)
  renew(@Payload() payload: unknown) {
    return answerRpc(
      RenewLeaseRpc,
      payload,
      (address) => this.instances.renew(address),
      this.logger,
    );
  }

  @MessagePattern(DeregisterInstanceRpc.pattern)
  deregister(@Payload() payload: unknown) {
    return answerRpc(
      DeregisterInstanceRpc,
      payload,
      (address) => this.instances.deregister(address),
      this.logger,
    );
  }

  @MessagePattern(ListServicesRpc.pattern)
  listServices(@Payload() payload: unknown) {
    return answerRpc(
      ListServicesRpc,
      payload,
      ({ tenant, limit, cursor }) => this.instances.listServices(tenant, limit, cursor),
      this.logger,
    );
  }

  @MessagePattern(ListInstancesRpc.pattern)
  listInstances(@Payload() payload: unknown) {
    return answerRpc(
      ListInstancesRpc,
      payload,
      ({ tenant, service, selector, healthyOnly }) =>
        this.instances.listInstances(tenant, service, selector, healthyOnly),
      this.logger,
    );
  }
}
