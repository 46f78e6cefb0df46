import { silentLogger } from '../logger';
import { EventStream, type EventStreamHandlers } from './event-stream';
import type { SseMessage } from './sse-parser';

/** A gateway stand-in: each connection gets the next scripted answer; requests are recorded. */
class ScriptedGateway {
  readonly requests: Headers[] = [];
  constructor(private readonly answers: (() => Response)[]) {}

  fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    this.requests.push(new Headers(init?.headers));
    const next = this.answers.shift();
    if (next) return next();
    // No more answers: hang, as a quiet gateway would, until the client aborts.
    return new Promise<Response>((_resolve, reject) =>
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }),
    );
  };
}

function sse(text: string): () => Response {
  return () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );
}

function problem(status: number, code: string): () => Response {
  return () =>
    new Response(JSON.stringify({ status, code, detail: code }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });
}

function recorder() {
  const seen: { messages: SseMessage[]; opens: boolean[]; resets: number; fatal: unknown[] } = {
    messages: [],
    opens: [],
    resets: 0,
    fatal: [],
  };
  const handlers: EventStreamHandlers = {
    onOpen: ({ resumed }) => seen.opens.push(resumed),
    onMessage: (m) => seen.messages.push(m),
    onReset: () => (seen.resets += 1),
    onFatal: (e) => seen.fatal.push(e),
  };
  return { seen, handlers };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

function streamOf(gateway: ScriptedGateway, handlers: EventStreamHandlers): EventStream {
  return new EventStream(
    {
      url: 'http://gateway/v1/events',
      headers: { authorization: 'Bearer k' },
      fetch: gateway.fetch,
      logger: silentLogger,
      backoff: { baseMs: 1, maxMs: 1, jitter: 'none' },
    },
    handlers,
  );
}

describe('EventStream', () => {
  it('reconnects after a drop with the last id it saw, including an id sent without an event', async () => {
    const gateway = new ScriptedGateway([
      sse('id: p0\n\nid: p1\nevent: t\ndata: one\n\n'),
      sse('id: p2\n\n'),
    ]);
    const { seen, handlers } = recorder();
    const stream = streamOf(gateway, handlers);
    stream.start();
    await until(() => gateway.requests.length === 3);
    await stream.close();

    expect(seen.messages.map((m) => [m.lastEventId, m.data])).toEqual([['p1', 'one']]);
    expect(gateway.requests.map((h) => h.get('last-event-id'))).toEqual([null, 'p1', 'p2']);
    expect(gateway.requests[0].get('authorization')).toBe('Bearer k');
    expect(gateway.requests[0].get('accept')).toBe('text/event-stream');
    expect(seen.opens).toEqual([false, true]);
  });

  it('starts over from now, and says so, when the gateway refuses the last id', async () => {
    const gateway = new ScriptedGateway([
      sse('id: old\n\n'),
      problem(400, 'invalid_input'),
      sse('id: fresh\n\n'),
    ]);
    const { seen, handlers } = recorder();
    const stream = streamOf(gateway, handlers);
    stream.start();
    await until(() => gateway.requests.length === 4);
    await stream.close();
    expect(gateway.requests.map((h) => h.get('last-event-id'))).toEqual([
      null,
      'old',
      null,
      'fresh',
    ]);
    expect(seen.resets).toBe(1);
  });

  it('keeps retrying through server errors but stops for good when the key is refused', async () => {
    const gateway = new ScriptedGateway([
      problem(503, 'unavailable'),
      problem(401, 'unauthorized'),
    ]);
    const { seen, handlers } = recorder();
    const stream = streamOf(gateway, handlers);
    stream.start();
    await until(() => seen.fatal.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    await stream.close();
    expect(gateway.requests).toHaveLength(2);
    expect(seen.fatal[0]).toMatchObject({ status: 401 });
  });
});
