/**
 * `--breakdown`: reads the heartbeat request and reply topics beside the registry and pairs them
 * by correlation id, so a heartbeat's time splits into the registry's part (request record
 * written → reply record written, queueing included) and the rest (HTTP, gateway, reply hop).
 * Record times are the producers' CreateTime (ms, same clock: everything runs on this machine).
 */
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { summarize, type LatencySummary } from './latency';

const REQUEST_TOPIC = 'mcp.registry.rpc.heartbeat';
const REPLY_TOPIC = `${REQUEST_TOPIC}.reply`;
const CORRELATION_HEADER = 'kafka_correlationId';

export interface RpcBreakdown {
  /** Heartbeat requests the gateway wrote to Kafka per second in the window. */
  requestedPerSecond: number;
  /** Replies the registry wrote per second in the window, whether or not anyone still waited. */
  answeredPerSecond: number;
  /** Requests written in the window with no reply by the end of the drain. */
  unanswered: number;
  /** Request record → reply record, for requests written in the window. */
  registrySide: LatencySummary;
}

function correlationOf(headers: IHeaders | undefined): string | undefined {
  const raw = headers?.[CORRELATION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

export class RpcTap {
  private readonly requests = new Map<string, number>();
  private readonly replies = new Map<string, number>();
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, runId: string) {
    this.consumer = kafka.consumer({ groupId: `mcp-bench-rpc-tap-${runId}` });
  }

  async prepare(): Promise<void> {
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [REQUEST_TOPIC, REPLY_TOPIC], fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const id = correlationOf(message.headers);
        if (id === undefined) return;
        (topic === REQUEST_TOPIC ? this.requests : this.replies).set(id, Number(message.timestamp));
      },
    });
    await Promise.race([
      joined,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the RPC tap did not join its group in 60 s')), 60_000),
      ),
    ]);
  }

  /** The window in epoch milliseconds. */
  breakdown(fromMs: number, toMs: number): RpcBreakdown {
    const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
    const inWindow = (at: number): boolean => at >= fromMs && at < toMs;
    const registrySide: number[] = [];
    let requested = 0;
    let unanswered = 0;
    for (const [id, at] of this.requests) {
      if (!inWindow(at)) continue;
      requested++;
      const reply = this.replies.get(id);
      if (reply === undefined) unanswered++;
      else registrySide.push(reply - at);
    }
    const answered = [...this.replies.values()].filter(inWindow).length;
    return {
      requestedPerSecond: Math.round((requested / seconds) * 10) / 10,
      answeredPerSecond: Math.round((answered / seconds) * 10) / 10,
      unanswered,
      registrySide: summarize(registrySide),
    };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}
