/**
 * A reconnecting Server-Sent Events client over fetch: resumes with `Last-Event-ID` after every
 * drop, waits with exponential backoff and jitter between attempts, and treats a silent
 * connection (no keep-alive) as a dead one.
 */
import { backoffDelay, type BackoffOptions } from '@mcp/resilience';
import {
  apiErrorOf,
  isPermanentFailure,
  McpApiError,
  type FetchFunction,
} from '../http/gateway-api';
import { describeError, type SdkLogger } from '../logger';
import { sleep } from '../sleep';
import { SseParser, type SseMessage } from './sse-parser';

export interface EventStreamOptions {
  url: string;
  headers: Record<string, string>;
  fetch: FetchFunction;
  logger: SdkLogger;
  backoff?: BackoffOptions;
  /** With no byte for this long the connection is presumed dead; the gateway writes every 15 s. */
  idleTimeoutMs?: number;
  random?: () => number;
}

export interface EventStreamHandlers {
  /** A connection is open; `resumed` says whether it continues from the last event id. */
  onOpen(info: { resumed: boolean }): void;
  onMessage(message: SseMessage): void;
  /** The server refused the last event id: events since it may be lost; start over. */
  onReset(): void;
  /** A failure retrying cannot fix (the key is invalid or lacks a scope); the stream stopped. */
  onFatal(error: McpApiError): void;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 15_000, jitter: 'equal' };
// A connection that stayed up this long counts as a success: the next drop starts backoff over.
const HEALTHY_CONNECTION_MS = 5_000;

export class EventStream {
  private lastEventId: string | undefined;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly opts: EventStreamOptions,
    private readonly handlers: EventStreamHandlers,
  ) {}

  get position(): string | undefined {
    return this.lastEventId;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async close(): Promise<void> {
    this.stopping.abort(new Error('event stream closed'));
    await this.running;
  }

  private async loop(): Promise<void> {
    const log = this.opts.logger;
    let failures = 0;
    // The server's `retry:` is a floor for every reconnect; a 429's Retry-After for the next one.
    let serverRetryMs = 0;
    while (!this.stopping.signal.aborted) {
      const openedAt = Date.now();
      let opened = false;
      let retryAfterMs = 0;
      try {
        const outcome = await this.connectOnce((ms) => (serverRetryMs = ms));
        opened = outcome.opened;
        if (outcome.reset) {
          this.handlers.onReset();
          continue; // at once, from now
        }
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        if (error instanceof McpApiError && isPermanentFailure(error)) {
          log.error(
            { status: error.status, code: error.code, detail: error.message },
            'the event stream was refused',
          );
          this.handlers.onFatal(error);
          return;
        }
        log.warn({ err: describeError(error) }, 'the event stream dropped');
        if (error instanceof McpApiError) retryAfterMs = error.retryAfterMs ?? 0;
      }
      if (this.stopping.signal.aborted) break;
      failures = opened && Date.now() - openedAt >= HEALTHY_CONNECTION_MS ? 1 : failures + 1;
      const delay = Math.max(
        serverRetryMs,
        retryAfterMs,
        backoffDelay(failures, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random),
      );
      log.debug({ delayMs: delay, attempt: failures }, 'reconnecting the event stream');
      try {
        await sleep(delay, this.stopping.signal);
      } catch {
        break;
      }
    }
  }

  private deliver(message: SseMessage): void {
    try {
      this.handlers.onMessage(message);
    } catch (error) {
      // A failing listener must not cost the stream its position.
      this.opts.logger.error({ err: describeError(error) }, 'an event stream listener failed');
    }
  }

  /** One connection, until it ends. `reset` when the server refused our last event id. */
  private async connectOnce(
    onRetryHint: (ms: number) => void,
  ): Promise<{ opened: boolean; reset: boolean }> {
    const connection = new AbortController();
    const signal = AbortSignal.any([this.stopping.signal, connection.signal]);
    const resumeFrom = this.lastEventId;
    const idleMs = this.opts.idleTimeoutMs ?? 45_000;
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
      idle.unref();
    };
    try {
      touch();
      const res = await this.opts.fetch(this.opts.url, {
        headers: {
          ...this.opts.headers,
          accept: 'text/event-stream',
          ...(resumeFrom === undefined ? {} : { 'last-event-id': resumeFrom }),
        },
        signal,
      });
      if (!res.ok) {
        const error = await apiErrorOf(res);
        if (error.status === 400 && resumeFrom !== undefined) {
          this.opts.logger.warn(
            { detail: error.message },
            'the gateway refused to resume the event stream; starting over from now',
          );
          this.lastEventId = undefined;
          return { opened: false, reset: true };
        }
        throw error;
      }
      if (!res.body) throw new Error('the event stream answered without a body');
      this.handlers.onOpen({ resumed: resumeFrom !== undefined });

      const parser = new SseParser(resumeFrom);
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          touch();
          const chunk = parser.push(decoder.decode(value, { stream: true }));
          if (chunk.retryMs !== undefined) onRetryHint(chunk.retryMs);
          for (const message of chunk.messages) {
            this.lastEventId = message.lastEventId;
            this.deliver(message);
          }
          // An id on a message without data still moves the position.
          if (chunk.lastEventId !== undefined) this.lastEventId = parser.currentLastEventId;
        }
      } finally {
        reader.releaseLock();
      }
      return { opened: true, reset: false };
    } finally {
      clearTimeout(idle);
      connection.abort(new Error('connection finished'));
    }
  }
}
