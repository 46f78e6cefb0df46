/**
 * The entry point tenants' Node services use: everything goes through the gateway's HTTP API,
 * except heartbeats when Kafka brokers are given (they then go onto MCP's heartbeat topic).
 */
import type { z } from 'zod';
import {
  InstanceId,
  RegisterInstanceBody,
  ServiceNameParam,
  invalidInputFromZod,
} from '@mcp/protocol';
import { ServiceDiscovery, type DiscoveryOptions } from './discovery/service-discovery';
import { RegistryEventFeed } from './discovery/registry-event-feed';
import { GatewayApi, type FetchFunction } from './http/gateway-api';
import { KafkaHeartbeats, type KafkaHeartbeatOptions } from './kafka/kafka-heartbeats';
import { silentLogger, type SdkLogger } from './logger';
import {
  RegisteredInstance,
  type RegisterInstanceOptions,
} from './registration/registered-instance';

export interface McpClientOptions {
  /** The gateway's admin API, e.g. `http://localhost:8080`. */
  gatewayUrl: string;
  /** A tenant API key: `registry:write` to register, `registry:read` to discover. */
  apiKey: string;
  /** Structured logger (pino fits); silent by default. */
  logger?: SdkLogger;
  /** How long one HTTP call may take; default 10 s. */
  requestTimeoutMs?: number;
  /** For tests and custom agents; the global fetch by default. */
  fetch?: FetchFunction;
  /**
   * Opt-in: send heartbeats as records on MCP's Kafka heartbeat topic, about one per TTL still
   * over HTTP to learn whether the lease is gone. Registration, deregistration and discovery
   * stay on HTTP.
   */
  kafkaHeartbeats?: KafkaHeartbeatOptions;
}

export class McpClient {
  private readonly api: GatewayApi;
  private readonly logger: SdkLogger;
  private readonly feed: RegistryEventFeed;
  private readonly kafka: KafkaHeartbeats | undefined;
  private readonly leaseCheckEvery: number | undefined;
  private readonly handles = new Set<{ close(): Promise<void> }>();

  constructor(options: McpClientOptions) {
    const url = new URL(options.gatewayUrl); // throws early on a typo
    if (!options.apiKey) throw new TypeError('McpClient needs an apiKey');
    const fetchFunction = options.fetch ?? fetch;
    this.logger = options.logger ?? silentLogger;
    this.api = new GatewayApi({
      gatewayUrl: url.toString(),
      apiKey: options.apiKey,
      fetch: fetchFunction,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.feed = new RegistryEventFeed({
      baseUrl: this.api.baseUrl,
      headers: this.api.authorization(),
      fetch: fetchFunction,
      logger: this.logger,
    });
    if (options.kafkaHeartbeats) {
      this.kafka = new KafkaHeartbeats(options.kafkaHeartbeats, options.apiKey, this.logger);
      this.leaseCheckEvery = options.kafkaHeartbeats.leaseCheckEvery;
    }
  }

  /**
   * Registers an instance and keeps its lease alive until close(): the handle is already
   * registering when returned; `await handle.ready()` waits for the first registration.
   * Throws at once on input the registry would refuse.
   */
  registerInstance(options: RegisterInstanceOptions): RegisteredInstance {
    const { service, instanceId, ...body } = options;
    check(ServiceNameParam, service, 'service');
    check(InstanceId, instanceId, 'instanceId');
    check(RegisterInstanceBody, body, 'instance');
    const handle: RegisteredInstance = new RegisteredInstance(options, {
      api: this.api,
      logger: this.logger,
      kafka: this.kafka,
      leaseCheckEvery: this.leaseCheckEvery,
      onClosed: () => this.handles.delete(handle),
    });
    this.handles.add(handle);
    return handle.start();
  }

  /**
   * A live cache of a service's instances, resolved once it has loaded; it then follows the
   * registry's events until close().
   */
  async discover(service: string, options: DiscoveryOptions = {}): Promise<ServiceDiscovery> {
    check(ServiceNameParam, service, 'service');
    const discovery: ServiceDiscovery = new ServiceDiscovery(service, options, {
      api: this.api,
      feed: this.feed,
      logger: this.logger,
      onClosed: () => this.handles.delete(discovery),
    });
    this.handles.add(discovery);
    await discovery.start();
    return discovery;
  }

  /** Closes every registration (deregistering it) and discovery made by this client. */
  async close(): Promise<void> {
    const handles = [...this.handles];
    this.handles.clear();
    await Promise.all(handles.map((h) => h.close()));
    await this.feed.stop();
    await this.kafka?.close();
  }
}

function check(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInputFromZod(result.error, what);
}
