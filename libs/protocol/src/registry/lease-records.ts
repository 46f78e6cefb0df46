/**
 * The lease stream `mcp.registry.leases`, keyed by tenant/service. Whoever owns a partition of it
 * (by consumer-group assignment) owns the leases of the instances that hash there: grants and
 * releases arrive through the registry's outbox, renewals straight from heartbeats (the SDK or
 * the gateway), so a heartbeat costs no SQL write.
 */
import { z } from 'zod';
import { defineEvent } from '../events';
import { TenantId } from '../gateway/http';
import { Topic } from '../topics';
import { InstanceId, ServiceNameParam, serviceKeyOf } from './instances';

const LeaseAddress = {
  tenant: TenantId,
  service: ServiceNameParam,
  instanceId: InstanceId,
};

const leaseCommon = {
  topic: Topic.RegistryLeases,
  source: '/mcp/registry',
  partitionKeyDescription: 'tenant/service',
};

const Granted = z
  .object({ ...LeaseAddress, ttlSeconds: z.number().int().min(1), revision: z.number().int() })
  .meta({ title: 'LeaseGrantedData' });
export const LeaseGranted = defineEvent({
  ...leaseCommon,
  type: 'mcp.registry.lease.granted.v1',
  description: 'An instance (re)registered: its lease owner starts a TTL clock for this revision.',
  schema: Granted,
  partitionKey: (d: z.infer<typeof Granted>) => serviceKeyOf(d.tenant, d.service),
  tenantOf: (d: z.infer<typeof Granted>) => d.tenant,
});

const Renewed = z.object({ ...LeaseAddress }).meta({ title: 'LeaseRenewedData' });
export const LeaseRenewed = defineEvent({
  ...leaseCommon,
  type: 'mcp.registry.lease.renewed.v1',
  description: 'A heartbeat: the instance is alive; its lease owner restarts its TTL clock.',
  schema: Renewed,
  partitionKey: (d: z.infer<typeof Renewed>) => serviceKeyOf(d.tenant, d.service),
  tenantOf: (d: z.infer<typeof Renewed>) => d.tenant,
});

const Released = z
  .object({ ...LeaseAddress, revision: z.number().int() })
  .meta({ title: 'LeaseReleasedData' });
export const LeaseReleased = defineEvent({
  ...leaseCommon,
  type: 'mcp.registry.lease.released.v1',
  description: 'The instance is gone (deregistered or expired): its lease owner forgets it.',
  schema: Released,
  partitionKey: (d: z.infer<typeof Released>) => serviceKeyOf(d.tenant, d.service),
  tenantOf: (d: z.infer<typeof Released>) => d.tenant,
});

export const leaseRecords = [LeaseGranted, LeaseRenewed, LeaseReleased] as const;
