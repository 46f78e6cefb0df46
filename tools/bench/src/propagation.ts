/**
 * Propagation: how long after a registration is answered its `registered` event can be read by a
 * plain kafkajs consumer, and the floor for that on the same broker — one raw produce → consume.
 */
import { performance } from 'node:perf_hooks';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Consumer,
  type IHeaders,
  type Producer,
} from 'kafkajs';
import type { KeepAliveClient, Outcome } from './heartbeat-load';
import { summarize, type LatencySummary } from './latency';

const EVENTS_TOPIC = 'mcp.registry.events';
const REGISTERED = 'mcp.registry.instance.registered.v1';
const JOIN_TIMEOUT_MS = 60_000;
/** The partitions of MCP's event topics, so the floor topic is shaped the same. */
const FLOOR_PARTITIONS = 6;

export interface PropagationResult {
  samples: number;
  /** MCP: registrations answered 2xx; floor: sends acknowledged. */
  answered: number;
  seen: number;
  missing: number;
  /** MCP: events already visible when the register response arrived (counted as 0 ms). */
  visibleBeforeAnswer: number;
  /**
   * MCP: register response → event visible. Floor: produce call → message visible (the least a
   * record can take from a producer to a consumer on this broker).
   */
  latency: LatencySummary;
  /** Request sent (MCP) or produce called (floor) → visible. */
  fromSend: LatencySummary;
  outcomes: Record<string, number>;
}

export function benchKafka(brokers: string): Kafka {
  return new Kafka({
    clientId: 'mcp-bench',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
  });
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Connects `consumer` to `topic` from the beginning and resolves once it has joined its group. */
async function joinedConsumer(
  consumer: Consumer,
  topic: string,
  onRecord: (key: string | undefined, headers: IHeaders | undefined) => void,
): Promise<void> {
  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the bench consumer did not join its group on ${topic} in 60 s`)),
      JOIN_TIMEOUT_MS,
    );
    consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => onRecord(message.key?.toString('utf8'), message.headers),
  });
  await joined;
}

/** Calls `fire(k)` for k < count at evenly spread moments over `windowMs`, from now. */
function spread<T>(count: number, windowMs: number, fire: (k: number) => Promise<T>): Promise<T[]> {
  const step = windowMs / count;
  return Promise.all(
    Array.from(
      { length: count },
      (_, k) =>
        new Promise<T>((resolve) => {
          setTimeout(() => resolve(fire(k)), (k + 0.5) * step);
        }),
    ),
  );
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

interface Timing {
  sentAt: number;
  answeredAt?: number;
  outcome: Outcome | 'acked' | 'failed';
  seenAt?: number;
}

function resultOf(timings: Timing[], fromAnswer: boolean): PropagationResult {
  const outcomes: Record<string, number> = {};
  const latency: number[] = [];
  const fromSend: number[] = [];
  let answered = 0;
  let visibleBeforeAnswer = 0;
  for (const t of timings) {
    outcomes[String(t.outcome)] = (outcomes[String(t.outcome)] ?? 0) + 1;
    if (t.answeredAt !== undefined) answered++;
    if (t.seenAt === undefined) continue;
    fromSend.push(t.seenAt - t.sentAt);
    if (!fromAnswer) {
      latency.push(t.seenAt - t.sentAt);
    } else if (t.answeredAt !== undefined) {
      if (t.seenAt < t.answeredAt) visibleBeforeAnswer++;
      latency.push(Math.max(0, t.seenAt - t.answeredAt));
    }
  }
  const seen = timings.filter((t) => t.seenAt !== undefined).length;
  return {
    samples: timings.length,
    answered,
    seen,
    missing: timings.length - seen,
    visibleBeforeAnswer,
    latency: summarize(latency),
    fromSend: summarize(fromSend),
    outcomes,
  };
}

/**
 * Registers `count` new instances through the gateway, spread over a window, and times each from
 * its response to its `registered` event on `mcp.registry.events` (matched by tenant + subject).
 */
export class RegistrationPropagationProbe {
  private readonly seen = new Map<string, number>();
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly tenant: string,
    runId: string,
  ) {
    this.consumer = kafka.consumer({ groupId: `mcp-bench-propagation-${runId}` });
  }

  async prepare(): Promise<void> {
    await joinedConsumer(this.consumer, EVENTS_TOPIC, (_key, headers) => {
      if (headerText(headers, 'ce_type') !== REGISTERED) return;
      if (headerText(headers, 'ce_tenant') !== this.tenant) return;
      const subject = headerText(headers, 'ce_subject');
      if (subject !== undefined && !this.seen.has(subject)) {
        this.seen.set(subject, performance.now());
      }
    });
  }

  async run(
    client: KeepAliveClient,
    apiKey: string,
    count: number,
    windowMs: number,
    graceMs: number,
  ): Promise<PropagationResult> {
    const service = 'bench-propagation';
    const subjectOf = (k: number): string => `services/${service}/instances/prop-${k}`;
    const timings = await spread(count, windowMs, async (k): Promise<Timing> => {
      const sentAt = performance.now();
      const outcome = await client.send({
        method: 'PUT',
        path: `/v1/services/${service}/instances/prop-${k}`,
        headers: { authorization: `Bearer ${apiKey}` },
        // A long TTL: these instances do not heartbeat, and their expiry is not the scenario.
        body: JSON.stringify({ host: '127.0.0.1', port: 20000 + k, ttlSeconds: 3600 }),
      });
      const ok = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
      return { sentAt, outcome, ...(ok ? { answeredAt: performance.now() } : {}) };
    });
    const expected = timings.map((t, k) => (t.answeredAt === undefined ? undefined : subjectOf(k)));
    await waitUntil(() => expected.every((s) => s === undefined || this.seen.has(s)), graceMs);
    timings.forEach((t, k) => {
      const seenAt = this.seen.get(subjectOf(k));
      if (seenAt !== undefined) t.seenAt = seenAt;
    });
    return resultOf(timings, true);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}

/**
 * The floor: `count` records produced the way MCP's outbox relay produces (idempotent, acks from
 * all replicas, one request in flight) to a fresh topic shaped like MCP's event topics, each
 * timed from the produce call to a plain consumer seeing it.
 */
export class KafkaFloorProbe {
  private readonly seen = new Map<string, number>();
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly topic: string;

  constructor(
    private readonly kafka: Kafka,
    runId: string,
  ) {
    this.topic = `mcp.bench.floor.${runId}`;
    this.consumer = kafka.consumer({ groupId: `mcp-bench-floor-${runId}` });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async prepare(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: this.topic, numPartitions: FLOOR_PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await joinedConsumer(this.consumer, this.topic, (key) => {
      if (key !== undefined && !this.seen.has(key)) this.seen.set(key, performance.now());
    });
  }

  async run(count: number, windowMs: number, graceMs: number): Promise<PropagationResult> {
    // About the size of a registered event's body, so the bytes moved are comparable.
    const value = JSON.stringify({ padding: 'x'.repeat(400) });
    const timings = await spread(count, windowMs, async (k): Promise<Timing> => {
      const sentAt = performance.now();
      try {
        await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: [{ key: `floor-${k}`, value }],
        });
        return { sentAt, answeredAt: performance.now(), outcome: 'acked' };
      } catch {
        return { sentAt, outcome: 'failed' };
      }
    });
    await waitUntil(() => timings.every((_, k) => this.seen.has(`floor-${k}`)), graceMs);
    timings.forEach((t, k) => {
      const seenAt = this.seen.get(`floor-${k}`);
      if (seenAt !== undefined) t.seenAt = seenAt;
    });
    return resultOf(timings, false);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: [this.topic] });
    } catch {
      // a throwaway broker goes anyway; on a given one the topic is merely left behind
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
