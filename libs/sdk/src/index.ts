// @mcp/sdk — what tenants' Node services use to talk to MCP, over the gateway's HTTP API only
// (never the shared Kafka topics, which hold every tenant's events).
export { McpClient, type McpClientOptions } from './mcp-client';
export {
  RegisteredInstance,
  heartbeatIntervalMs,
  retryBackoff,
  type InstanceState,
  type RegisterInstanceOptions,
  type RegisteredInstanceEvents,
} from './registration/registered-instance';
export {
  ServiceDiscovery,
  type DiscoveryOptions,
  type ServiceDiscoveryEvents,
} from './discovery/service-discovery';
export { InstanceSet, type InstanceChangeKind } from './discovery/instance-set';
export { pickWeighted } from './discovery/weighted-pick';
export {
  EventStream,
  type EventStreamHandlers,
  type EventStreamOptions,
} from './events/event-stream';
export { SseParser, type SseMessage, type SseChunkResult } from './events/sse-parser';
export {
  GatewayApi,
  McpApiError,
  isPermanentFailure,
  type FetchFunction,
  type InstanceRegistration,
  type RegistrationAnswer,
  type RegistryApi,
} from './http/gateway-api';
export { silentLogger, type SdkLogger } from './logger';
export type { InstanceView } from '@mcp/protocol';
