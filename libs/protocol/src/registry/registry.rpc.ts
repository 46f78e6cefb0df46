/** What the gateway asks the registry over Kafka request/reply, on behalf of a tenant. */
import { z } from 'zod';
import { TenantId } from '../gateway/http';
import { defineRpc } from '../rpc';
import { RpcPattern } from '../topics';
import {
  InstanceAddress,
  InstanceList,
  RegisterInstanceBody,
  RegisteredInstance,
  ServiceList,
  ServiceNameParam,
} from './instances';

export const RegisterInstanceRpc = defineRpc({
  pattern: RpcPattern.RegistryRegister,
  description: 'Register or update an instance (idempotent PUT) and grant its lease.',
  request: InstanceAddress.extend({ body: RegisterInstanceBody }),
  reply: RegisteredInstance,
});

export const RenewLeaseRpc = defineRpc({
  pattern: RpcPattern.RegistryHeartbeat,
  description:
    "Renew an instance's lease; not_found when the lease is gone (the client re-registers).",
  request: InstanceAddress,
  reply: z.object({ leaseExpiresAt: z.iso.datetime() }),
});

export const DeregisterInstanceRpc = defineRpc({
  pattern: RpcPattern.RegistryDeregister,
  description: 'Remove an instance from discovery.',
  request: InstanceAddress,
  reply: z.object({ removed: z.boolean() }),
});

export const ListServicesRpc = defineRpc({
  pattern: RpcPattern.RegistryListServices,
  description: "A tenant's services with instance counts.",
  request: z.strictObject({
    tenant: TenantId,
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().optional(),
  }),
  reply: ServiceList,
});

export const ListInstancesRpc = defineRpc({
  pattern: RpcPattern.RegistryListInstances,
  description: "A service's instances, filtered by label selector and health.",
  request: z.strictObject({
    tenant: TenantId,
    service: ServiceNameParam,
    selector: z.string().max(1024).optional(),
    healthyOnly: z.boolean().default(false),
  }),
  reply: InstanceList,
});

export const registryRpcs = [
  RegisterInstanceRpc,
  RenewLeaseRpc,
  DeregisterInstanceRpc,
  ListServicesRpc,
  ListInstancesRpc,
] as const;
