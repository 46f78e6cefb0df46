/** Kafka topic names, their sizing, and which service provisions which topic at start-up. */
import type { ServiceName } from './services';

export const Topic = {
  GatewayEvents: 'mcp.gateway.events',
  RegistryEvents: 'mcp.registry.events',
  ConfigEvents: 'mcp.config.events',
  SchedulerEvents: 'mcp.scheduler.events',
  /** Compacted: the current state of every registered instance. */
  RegistryInstances: 'mcp.registry.instances',
  /** Lease grants, renewals (heartbeats) and releases; partition owners keep the TTL clocks. */
  RegistryLeases: 'mcp.registry.leases',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

/**
 * Topics tenants write to with their own Kafka clients. In production a tenant's principal gets
 * WRITE (and DESCRIBE) on these and nothing else, so no tenant reads what another wrote; the
 * gateway consumes them and vets every record's credential before anything is acted on.
 */
export const IngressTopic = {
  /** Heartbeats from the SDK: `{service, instanceId}` plus the tenant's API key as a header. */
  RegistryHeartbeats: 'mcp.registry.heartbeats',
} as const;
export type IngressTopic = (typeof IngressTopic)[keyof typeof IngressTopic];

/** Request/reply patterns; each is also the name of the request topic. */
export const RpcPattern = {
  RegistryStatus: 'mcp.registry.rpc.status',
  RegistryRegister: 'mcp.registry.rpc.register',
  RegistryHeartbeat: 'mcp.registry.rpc.heartbeat',
  RegistryDeregister: 'mcp.registry.rpc.deregister',
  RegistryListServices: 'mcp.registry.rpc.list-services',
  RegistryListInstances: 'mcp.registry.rpc.list-instances',
  ConfigStatus: 'mcp.config.rpc.status',
  SchedulerStatus: 'mcp.scheduler.rpc.status',
} as const;
export type RpcPattern = (typeof RpcPattern)[keyof typeof RpcPattern];

/** NestJS ClientKafka listens for answers on `<pattern>.reply`. */
export function replyTopicOf(pattern: string): string {
  return `${pattern}.reply`;
}

/** Where a consumer parks a record it cannot process, with the reason, instead of blocking. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  compacted?: boolean;
  retentionMs?: number;
  /**
   * Records carry the time the broker appended them, not a time the producer chose: for topics
   * written by clients whose clocks we do not control.
   */
  logAppendTime?: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

// Sizing: event topics are partitioned by entity key for parallel consumers; request/reply
// traffic is light and worthless once its caller has timed out, so it is kept only briefly;
// dead letters are kept long enough for an operator to inspect and replay them.
const EVENT_PARTITIONS = 6;
const RPC_PARTITIONS = 3;
const DEAD_LETTER_PARTITIONS = 1;
const RPC_RETENTION_MS = HOUR_MS;
const DEAD_LETTER_RETENTION_MS = 30 * DAY_MS;

// The state topic is compacted (latest value per key, forever); lease records are worthless
// once their TTL has passed, and a lease owner that takes over reloads from Postgres anyway.
const eventTopics: TopicSpec[] = Object.values(Topic).map((name) => ({
  name,
  partitions: EVENT_PARTITIONS,
  ...(name === Topic.RegistryInstances ? { compacted: true } : {}),
  ...(name === Topic.RegistryLeases ? { retentionMs: HOUR_MS } : {}),
}));
const deadLetterTopics: TopicSpec[] = Object.values(Topic).map((name) => ({
  name: deadLetterTopicOf(name),
  partitions: DEAD_LETTER_PARTITIONS,
  retentionMs: DEAD_LETTER_RETENTION_MS,
}));
// Ingress heartbeats are worthless once a lease's TTL has passed, so they are kept briefly; the
// broker stamps them, so a tenant's skewed clock cannot shorten or stretch a lease.
const ingressTopics: TopicSpec[] = Object.values(IngressTopic).map((name) => ({
  name,
  partitions: EVENT_PARTITIONS,
  retentionMs: HOUR_MS,
  logAppendTime: true,
}));
const ingressDeadLetterTopics: TopicSpec[] = Object.values(IngressTopic).map((name) => ({
  name: deadLetterTopicOf(name),
  partitions: DEAD_LETTER_PARTITIONS,
  retentionMs: DEAD_LETTER_RETENTION_MS,
}));
const requestTopics: TopicSpec[] = Object.values(RpcPattern).map((name) => ({
  name,
  partitions: RPC_PARTITIONS,
  retentionMs: RPC_RETENTION_MS,
}));
const replyTopics: TopicSpec[] = Object.values(RpcPattern).map((pattern) => ({
  name: replyTopicOf(pattern),
  partitions: RPC_PARTITIONS,
  retentionMs: RPC_RETENTION_MS,
}));

export const topicCatalog: readonly TopicSpec[] = Object.freeze([
  ...eventTopics,
  ...deadLetterTopics,
  ...ingressTopics,
  ...ingressDeadLetterTopics,
  ...requestTopics,
  ...replyTopics,
]);

/** The topic specification for a name in the catalog, if it is one of ours. */
export function topicSpecOf(name: string): TopicSpec | undefined {
  return topicCatalog.find((t) => t.name === name);
}

/**
 * What a service creates when it starts: its own events topic and that topic's dead letters, and
 * the request topics it answers. The gateway, which sends every request, also creates the reply
 * topics it listens on, and the ingress topics (with their dead letters) it consumes.
 */
export function topicsOwnedBy(service: ServiceName): TopicSpec[] {
  const prefix = `mcp.${service}.`;
  const owned = [...eventTopics, ...deadLetterTopics, ...requestTopics].filter((t) =>
    t.name.startsWith(prefix),
  );
  const extra =
    service === 'gateway' ? [...ingressTopics, ...ingressDeadLetterTopics, ...replyTopics] : [];
  return [...owned, ...extra].map((t) => ({ ...t }));
}
