// @mcp/sdk — what tenants' Node services use to talk to MCP: the gateway's HTTP API, and, opt-in,
// the Kafka heartbeat topic, which tenants may only write (never the shared topics that hold
// every tenant's events).
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
  HeartbeatRoute,
  leaseCheckEvery,
  type HeartbeatTransport,
} from './registration/heartbeat-route';
export {
  KafkaHeartbeats,
  type HeartbeatSender,
  type KafkaHeartbeatOptions,
} from './kafka/kafka-heartbeats';
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
