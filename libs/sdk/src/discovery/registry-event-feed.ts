/**
 * One `GET /v1/events?types=registry.instance.*` stream per client, shared by all its discovery
 * caches: each cache subscribes, and the stream runs while anyone listens.
 */
import {
  InstanceDeregistered,
  InstanceExpired,
  InstanceHealthChanged,
  InstanceRegistered,
  InstanceUpdated,
  type CloudEvent,
  type EventDefinition,
  type InstanceView,
} from '@mcp/protocol';
import { EventStream } from '../events/event-stream';
import type { SseMessage } from '../events/sse-parser';
import type { FetchFunction, McpApiError } from '../http/gateway-api';
import { describeError, type SdkLogger } from '../logger';
import type { InstanceChangeKind } from './instance-set';

export interface RegistryEventListener {
  onChange(kind: InstanceChangeKind, instance: InstanceView): void;
  /** Events may have been missed (the stream could not resume): reload from a listing. */
  onReset(): void;
}

/** Where discovery caches get the registry's changes from. */
export interface RegistryChanges {
  subscribe(listener: RegistryEventListener): FeedSubscription;
}

export interface FeedSubscription {
  /**
   * Resolves once the stream holds a position: every change from then on will be delivered,
   * so a listing taken afterwards misses nothing. Rejects if the gateway refuses the stream.
   */
  positioned: Promise<void>;
  unsubscribe(): Promise<void>;
}

const KINDS: ReadonlyArray<[EventDefinition, InstanceChangeKind]> = [
  [InstanceRegistered, 'registered'],
  [InstanceUpdated, 'updated'],
  [InstanceHealthChanged, 'health-changed'],
  [InstanceDeregistered, 'deregistered'],
  [InstanceExpired, 'expired'],
];
const BY_TYPE = new Map(KINDS.map(([def, kind]) => [def.type, { def, kind }]));

export interface RegistryEventFeedDeps {
  baseUrl: string;
  headers: Record<string, string>;
  fetch: FetchFunction;
  logger: SdkLogger;
  random?: () => number;
}

export class RegistryEventFeed implements RegistryChanges {
  private readonly listeners = new Set<RegistryEventListener>();
  private stream: EventStream | undefined;
  private positioned: Promise<void> | undefined;
  private settle: { resolve(): void; reject(e: unknown): void } | undefined;

  constructor(private readonly deps: RegistryEventFeedDeps) {}

  subscribe(listener: RegistryEventListener): FeedSubscription {
    this.listeners.add(listener);
    const positioned = this.ensureStream();
    return {
      positioned,
      unsubscribe: async () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) await this.stop();
      },
    };
  }

  async stop(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.positioned = undefined;
    this.settle?.reject(new Error('the registry event feed stopped'));
    this.settle = undefined;
    await stream?.close();
  }

  private ensureStream(): Promise<void> {
    if (this.stream && this.positioned) return this.positioned;
    this.positioned = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.positioned.catch(() => undefined);
    const stream = new EventStream(
      {
        url: `${this.deps.baseUrl}/v1/events?types=${encodeURIComponent('registry.instance.*')}`,
        headers: this.deps.headers,
        fetch: this.deps.fetch,
        logger: this.deps.logger,
        random: this.deps.random,
      },
      {
        onOpen: ({ resumed }) => {
          this.deps.logger.debug({ resumed }, 'registry event stream open');
          this.settle?.resolve();
          this.settle = undefined;
        },
        onMessage: (message) => this.dispatch(message),
        onReset: () => {
          for (const listener of this.listeners) listener.onReset();
        },
        onFatal: (error: McpApiError) => {
          this.settle?.reject(error);
          this.settle = undefined;
          // The next subscriber tries again, with whatever has changed since.
          if (this.stream === stream) {
            this.stream = undefined;
            this.positioned = undefined;
          }
        },
      },
    );
    this.stream = stream;
    stream.start();
    return this.positioned;
  }

  private dispatch(message: SseMessage): void {
    const known = BY_TYPE.get(message.type);
    if (!known) return;
    let event: CloudEvent<unknown>;
    try {
      event = JSON.parse(message.data) as CloudEvent<unknown>;
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error) }, 'skipped an event that is not JSON');
      return;
    }
    const parsed = known.def.schema.safeParse(event.data);
    if (!parsed.success) {
      this.deps.logger.warn({ type: message.type }, 'skipped an event that breaks its schema');
      return;
    }
    const { instance } = parsed.data as { instance: InstanceView };
    for (const listener of this.listeners) listener.onChange(known.kind, instance);
  }
}
