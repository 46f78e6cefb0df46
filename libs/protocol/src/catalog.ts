/** Every event, request/reply and ingress record MCP speaks: what the documents list and consumers look up. */
import type { EventDefinition } from './events';
import type { IngressRecordDefinition } from './ingress';
import { TenantCreated } from './gateway/tenant-created.event';
import { apiKeyEvents } from './gateway/api-keys';
import type { RpcDefinition } from './rpc';
import { InstanceSnapshot, registryInstanceEvents } from './registry/instance-events';
import { HeartbeatRecord } from './registry/heartbeat-records';
import { leaseRecords } from './registry/lease-records';
import { registryRpcs } from './registry/registry.rpc';
import { ServiceStatusRpc } from './system/service-status.rpc';

export const eventCatalog: readonly EventDefinition[] = Object.freeze([
  TenantCreated,
  ...apiKeyEvents,
  ...registryInstanceEvents,
  InstanceSnapshot,
  ...leaseRecords,
]);

export const rpcCatalog: readonly RpcDefinition[] = Object.freeze([
  ServiceStatusRpc.registry,
  ServiceStatusRpc.config,
  ServiceStatusRpc.scheduler,
  ...registryRpcs,
]);

/** Records tenants write straight onto Kafka (ingress topics), vetted by the gateway. */
export const ingressCatalog: readonly IngressRecordDefinition[] = Object.freeze([HeartbeatRecord]);

const eventsByType = new Map(eventCatalog.map((def) => [def.type, def]));

export function eventDefinitionOf(type: string): EventDefinition | undefined {
  return eventsByType.get(type);
}

export function rpcDefinitionOf(pattern: string): RpcDefinition | undefined {
  return rpcCatalog.find((def) => def.pattern === pattern);
}
