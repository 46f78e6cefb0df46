/**
 * The load generator: an open-loop schedule of heartbeats, one per instance per interval, spread
 * evenly over the interval, sent over keep-alive connections with a cap on requests in flight.
 * Latency is measured from when a heartbeat was due, not when it was sent, so time spent waiting
 * for a free slot (the server being slow) is counted instead of hidden.
 */
import { Agent, request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize, type LatencySummary } from './latency';

/** An HTTP status, or how a request failed without one. */
export type Outcome = number | 'timeout' | 'network';

export interface HttpCall {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** node:http with one keep-alive pool and a per-request deadline. */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly live = new Set<ClientRequest>();

  constructor(
    baseUrl: string,
    maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(call: HttpCall): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        this.live.delete(req);
        resolve(outcome);
      };
      const body = call.body ?? '';
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: call.method,
          path: call.path,
          headers: {
            ...call.headers,
            ...(body ? { 'content-type': 'application/json' } : {}),
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res) => {
          res.on('end', () => settle(res.statusCode ?? 0));
          res.on('error', () => settle('network'));
          res.resume();
        },
      );
      this.live.add(req);
      req.setTimeout(this.timeoutMs, () => {
        settle('timeout');
        req.destroy();
      });
      req.on('error', () => settle('network'));
      // A connection that closes mid-response emits neither 'end' nor 'error' on every path.
      req.on('close', () => settle('network'));
      req.end(body);
    });
  }

  /** Ends every request still in flight; each settles as 'timeout'. */
  abortAll(): void {
    for (const req of [...this.live]) req.emit('timeout');
  }

  close(): void {
    this.abortAll();
    this.agent.destroy();
  }
}

export interface LoadPlan {
  instances: number;
  intervalMs: number;
  warmupMs: number;
  measureMs: number;
  concurrency: number;
}

export interface LoadHooks {
  /** Called once when the measured window opens (after the warm-up). */
  onMeasureStart?: () => void;
  /** Called once when the measured window closes (before in-flight requests drain). */
  onMeasureEnd?: () => void;
}

export interface TimelineBucket {
  /** Start of the bucket, seconds into the measured window (by due time). */
  fromSecond: number;
  offered: number;
  ok: number;
  p99: number | null;
}

export interface LoadResult {
  offeredPerSecond: number;
  /** Heartbeats due inside the measured window. */
  offered: number;
  sent: number;
  /** Answered with any HTTP status. */
  answered: number;
  /** Answered 2xx. */
  ok: number;
  okPerSecond: number;
  /**
   * Due in the window but never sent: skipped because the instance's next heartbeat was already
   * due (the client was more than one interval behind), or still queued when the window closed.
   */
  notSent: number;
  /** Heartbeats skipped as stale over the whole run, warm-up included. */
  skippedStale: number;
  /** offered − ok. */
  backlog: number;
  /** By HTTP status, plus "timeout" and "network". */
  outcomes: Record<string, number>;
  /** Due time → response, over every answered request. */
  latency: LatencySummary;
  /** Send time → response: the server's part, without the client's wait for a free slot. */
  serviceTime: LatencySummary;
  /** Latency of heartbeats due in the first and the second half of the window. */
  firstHalf: LatencySummary;
  secondHalf: LatencySummary;
  maxInFlight: number;
  /** Most heartbeats that were due but waiting for a free slot at one time. */
  maxQueued: number;
  timeline: TimelineBucket[];
}

const TIMELINE_BUCKET_MS = 5_000;
/** The longest the load waits for in-flight requests after the window has closed. */
const DRAIN_LIMIT_MS = 15_000;

/**
 * Sends `plan.instances` heartbeats per `plan.intervalMs` for warm-up + window, then waits for
 * what is in flight (each request is bounded by the client's timeout) and reports the window.
 */
export async function runHeartbeatLoad(
  client: KeepAliveClient,
  plan: LoadPlan,
  callOf: (instance: number) => HttpCall,
  hooks: LoadHooks = {},
): Promise<LoadResult> {
  // Heartbeat j is due at j * gap, so instance i beats at i * gap + k * interval: evenly spread.
  const gap = plan.intervalMs / plan.instances;
  const windowStart = plan.warmupMs;
  const windowEnd = plan.warmupMs + plan.measureMs;
  const lastSeq = Math.ceil(windowEnd / gap); // first heartbeat not sent at all
  // Every 5 ms, sending what fell due since: evenly spread, at a bearable cost per tick.
  const tickMs = 5;

  const dueTimes: number[] = [];
  const latencies: number[] = [];
  const serviceTimes: number[] = [];
  const okFlags: boolean[] = [];
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let maxQueued = 0;
  let skipped = 0;
  let nextSeq = 0;
  const pending = new Set<Promise<void>>();

  const started = performance.now();
  let measuring = false;
  let measured = false;

  const dispatch = (seq: number): void => {
    const dueAt = seq * gap;
    const counted = dueAt >= windowStart && dueAt < windowEnd;
    const sentAt = performance.now() - started;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (counted) sent++;
    const done = client.send(callOf(seq % plan.instances)).then((outcome) => {
      inFlight--;
      if (counted) {
        const doneAt = performance.now() - started;
        outcomes[String(outcome)] = (outcomes[String(outcome)] ?? 0) + 1;
        if (typeof outcome === 'number') {
          dueTimes.push(dueAt - windowStart);
          latencies.push(doneAt - dueAt);
          serviceTimes.push(doneAt - sentAt);
          okFlags.push(outcome >= 200 && outcome < 300);
        }
      }
      pending.delete(done);
      tick();
    });
    pending.add(done);
  };

  const tick = (): void => {
    const now = performance.now() - started;
    if (!measuring && now >= windowStart) {
      measuring = true;
      hooks.onMeasureStart?.();
    }
    if (!measured && now >= windowEnd) {
      measured = true;
      hooks.onMeasureEnd?.();
    }
    // Once the window has closed nothing more is sent, however far behind the client is.
    if (measured) return;
    const dueBy = Math.min(lastSeq, Math.floor(now / gap) + 1);
    // An instance whose next heartbeat is already due sends that one, not the stale one: like a
    // real client, and so a client that fell behind keeps sending current heartbeats.
    const stale = dueBy - plan.instances;
    if (nextSeq < stale) {
      skipped += stale - nextSeq;
      nextSeq = stale;
    }
    while (nextSeq < dueBy && inFlight < plan.concurrency) dispatch(nextSeq++);
    maxQueued = Math.max(maxQueued, dueBy - nextSeq);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick();
      if (performance.now() - started >= windowEnd) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
    tick();
  });
  // Whatever was due but never got a slot stays unsent: the run is bounded in time.
  const offered = Math.ceil(windowEnd / gap) - Math.ceil(windowStart / gap);
  const notSent = offered - sent;
  // Each request has an idle timeout; this caps the whole drain as well.
  const drainDeadline = setTimeout(() => client.abortAll(), DRAIN_LIMIT_MS);
  while (pending.size > 0) await Promise.all([...pending]);
  clearTimeout(drainDeadline);

  const ok = okFlags.filter(Boolean).length;
  const half = plan.measureMs / 2;
  const firstHalf: number[] = [];
  const secondHalf: number[] = [];
  const buckets = new Map<number, { offered: number; ok: number; latencies: number[] }>();
  for (let i = 0; i < dueTimes.length; i++) {
    (dueTimes[i] < half ? firstHalf : secondHalf).push(latencies[i]);
    const bucket = Math.floor(dueTimes[i] / TIMELINE_BUCKET_MS);
    const entry = buckets.get(bucket) ?? { offered: 0, ok: 0, latencies: [] };
    entry.latencies.push(latencies[i]);
    if (okFlags[i]) entry.ok++;
    buckets.set(bucket, entry);
  }
  const bucketCount = Math.ceil(plan.measureMs / TIMELINE_BUCKET_MS);
  const timeline: TimelineBucket[] = Array.from({ length: bucketCount }, (_, b) => {
    const from = b * TIMELINE_BUCKET_MS;
    const to = Math.min(plan.measureMs, from + TIMELINE_BUCKET_MS);
    const entry = buckets.get(b);
    return {
      fromSecond: from / 1000,
      offered: Math.ceil((windowStart + to) / gap) - Math.ceil((windowStart + from) / gap),
      ok: entry?.ok ?? 0,
      p99: entry ? summarize(entry.latencies).p99 : null,
    };
  });
  return {
    offeredPerSecond: Math.round((plan.instances / plan.intervalMs) * 1000 * 10) / 10,
    offered,
    sent,
    answered: latencies.length,
    ok,
    okPerSecond: Math.round((ok / plan.measureMs) * 1000 * 10) / 10,
    notSent,
    skippedStale: skipped,
    backlog: offered - ok,
    outcomes,
    latency: summarize(latencies),
    serviceTime: summarize(serviceTimes),
    firstHalf: summarize(firstHalf),
    secondHalf: summarize(secondHalf),
    maxInFlight,
    maxQueued,
    timeline,
  };
}

/** Runs `work` for every index below `count` with at most `width` at once; stops at `deadline`. */
export async function inPool(
  count: number,
  width: number,
  deadline: number,
  work: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count && Date.now() < deadline) await work(next++);
  });
  await Promise.all(lanes);
  return next;
}
