/**
 * The lease stream `mcp.registry.leases`, keyed by tenant/service. Whoever owns a partition of it
 * (by consumer-group assignment) owns the leases of the instances that hash there — their TTL
 * clocks and their active health checks: grants, revisions and releases arrive through the
 * registry's outbox, renewals straight from heartbeats (the SDK or the gateway), so a heartbeat
 * costs no SQL write.
 */
import { z } from 'zod';
import { defineEvent } from '../events';
import { TenantId } from '../gateway/http';
import { Topic } from '../topics';
import {
  HealthCheckSpec,
  InstanceId,
  InstanceStatus,
  ServiceNameParam,
  serviceKeyOf,
} from './instances';

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

/** What the lease owner needs to probe an instance that asked for an active health check. */
const LeaseProbe = z
  .object({
    host: z.string(),
    port: z.number().int(),
    healthCheck: HealthCheckSpec,
    /** The instance's status at this revision: where the owner's threshold counting starts. */
    status: InstanceStatus,
  })
  .meta({ title: 'LeaseProbe' });

const Granted = z
  .object({
    ...LeaseAddress,
    ttlSeconds: z.number().int().min(1),
    revision: z.number().int(),
    /** Present when the instance asked for an active health check: the lease owner runs it. */
    probe: LeaseProbe.optional(),
  })
  .meta({ title: 'LeaseGrantedData' });
export const LeaseGranted = defineEvent({
  ...leaseCommon,
  type: 'mcp.registry.lease.granted.v1',
  description:
    'An instance (re)registered: its lease owner starts a TTL clock for this revision and, when the record names a probe, (re)starts its health check.',
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

const Revised = z
  .object({ ...LeaseAddress, revision: z.number().int(), status: InstanceStatus })
  .meta({ title: 'LeaseRevisedData' });
export const LeaseRevised = defineEvent({
  ...leaseCommon,
  type: 'mcp.registry.lease.revised.v1',
  description:
    "An active health check moved the instance's status, and so its revision, without a new registration: its lease owner holds the new revision for its conditional expiry, keeps the TTL clock running, and counts health from the new status.",
  schema: Revised,
  partitionKey: (d: z.infer<typeof Revised>) => serviceKeyOf(d.tenant, d.service),
  tenantOf: (d: z.infer<typeof Revised>) => d.tenant,
});

export const leaseRecords = [LeaseGranted, LeaseRenewed, LeaseRevised, LeaseReleased] as const;
