/**
 * What the registry tells the world: one event per instance change on `mcp.registry.events`
 * (keyed by tenant/service so one service's events stay in order), and the full current state of
 * every instance on the compacted `mcp.registry.instances` topic (keyed by tenant/service/id,
 * a tombstone when it goes), from which any consumer can rebuild the registry.
 */
import { z } from 'zod';
import { defineEvent, type EventDefinition } from '../events';
import { TenantId } from '../gateway/http';
import { Topic } from '../topics';
import { InstanceView, instanceKeyOf, serviceKeyOf } from './instances';

const InstanceChange = z
  .object({ tenant: TenantId, instance: InstanceView })
  .meta({ title: 'InstanceChangeData' });
type InstanceChange = z.infer<typeof InstanceChange>;

function instanceEvent(
  action: string,
  description: string,
): EventDefinition<typeof InstanceChange> {
  return defineEvent({
    type: `mcp.registry.instance.${action}.v1`,
    topic: Topic.RegistryEvents,
    source: '/mcp/registry',
    description,
    schema: InstanceChange,
    partitionKey: (d: InstanceChange) => serviceKeyOf(d.tenant, d.instance.service),
    partitionKeyDescription: 'tenant/service',
    tenantOf: (d: InstanceChange) => d.tenant,
    subjectOf: (d: InstanceChange) =>
      `services/${d.instance.service}/instances/${d.instance.instanceId}`,
  });
}

export const InstanceRegistered = instanceEvent('registered', 'A new instance registered.');
export const InstanceUpdated = instanceEvent(
  'updated',
  'A registered instance changed its address, weight, labels, TTL or check.',
);
export const InstanceDeregistered = instanceEvent('deregistered', 'An instance left on purpose.');
export const InstanceExpired = instanceEvent(
  'expired',
  'An instance stopped renewing its lease and was removed from discovery.',
);
export const InstanceHealthChanged = instanceEvent(
  'health-changed',
  "An active health check moved an instance's status between up and down.",
);

/** The current state of one instance on the compacted state topic. */
export const InstanceSnapshot = defineEvent({
  type: 'mcp.registry.instance.snapshot.v1',
  topic: Topic.RegistryInstances,
  source: '/mcp/registry',
  description:
    'The full current state of one instance (compacted topic; a record with no value is a tombstone: the instance is gone).',
  schema: InstanceChange,
  partitionKey: (d: InstanceChange) =>
    instanceKeyOf(d.tenant, d.instance.service, d.instance.instanceId),
  partitionKeyDescription: 'tenant/service/instanceId',
  tenantOf: (d: InstanceChange) => d.tenant,
  subjectOf: (d: InstanceChange) =>
    `services/${d.instance.service}/instances/${d.instance.instanceId}`,
});

export const registryInstanceEvents = [
  InstanceRegistered,
  InstanceUpdated,
  InstanceDeregistered,
  InstanceExpired,
  InstanceHealthChanged,
] as const;
