import { SseParser } from '@mcp/sdk';
import { freePort } from './support/free-port';
import { SpanCollector } from './support/span-collector';
import { startStack, type Stack } from './support/stack';
import { call, expectProblem, newTenant, type TenantCredential } from './support/tenant-api';

let stack: Stack;
const collector = new SpanCollector();

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
}, 180000);

afterAll(async () => {
  await stack?.stop();
  await collector.stop();
});

interface StreamedEvent {
  /** The SSE id: the position to resume after this event. */
  sseId: string | undefined;
  sseType: string;
  event: {
    specversion: string;
    id: string;
    type: string;
    source: string;
    time: string;
    subject?: string;
    tenant?: string;
    data: { tenant: string; instance: { service: string; instanceId: string; port: number } };
  };
}

/** An open GET /v1/events: collects what arrives until closed. */
class EventStreamReader {
  readonly events: StreamedEvent[] = [];
  /** The last id the stream handed over, with or without an event. */
  lastId: string | undefined;
  private readonly abort = new AbortController();
  private reading: Promise<void> = Promise.resolve();

  static async open(
    cred: TenantCredential,
    opts: { types?: string; lastEventId?: string } = {},
  ): Promise<EventStreamReader> {
    const reader = new EventStreamReader();
    const query = `?types=${encodeURIComponent(opts.types ?? 'registry.*')}`;
    const res = await fetch(`${stack.adminUrl}/v1/events${query}`, {
      headers: {
        authorization: `Bearer ${cred.key}`,
        accept: 'text/event-stream',
        ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
      },
      signal: reader.abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    reader.reading = reader.read(res);
    return reader;
  }

  async waitFor(count: number, timeoutMs = 15000): Promise<StreamedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.events;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
  }

  private async read(res: Response): Promise<void> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const body = (res.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await body.read();
        if (done) return;
        const chunk = parser.push(decoder.decode(value, { stream: true }));
        for (const m of chunk.messages) {
          this.events.push({
            sseId: m.lastEventId,
            sseType: m.type,
            event: JSON.parse(m.data) as StreamedEvent['event'],
          });
        }
        this.lastId = parser.currentLastEventId;
      }
    } catch {
      // aborted by close()
    }
  }
}

const REGISTERED = 'mcp.registry.instance.registered.v1';
const UPDATED = 'mcp.registry.instance.updated.v1';
const DEREGISTERED = 'mcp.registry.instance.deregistered.v1';

async function lifecycle(cred: TenantCredential, service: string, id: string) {
  expect(
    (
      await call(stack, cred, 'PUT', `/v1/services/${service}/instances/${id}`, {
        host: 'h',
        port: 1,
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(stack, cred, 'PUT', `/v1/services/${service}/instances/${id}`, {
        host: 'h',
        port: 2,
      })
    ).status,
  ).toBe(200);
  expect(
    (await call(stack, cred, 'DELETE', `/v1/services/${service}/instances/${id}`)).status,
  ).toBe(204);
}

describe('GET /v1/events', () => {
  it("streams a tenant's registered, updated and deregistered events in order, from now on, and never another tenant's", async () => {
    const a = await newTenant(stack);
    const b = await newTenant(stack);
    // A change whose event is on Kafka before the stream opens is not part of "from now". (The
    // registry publishes through an outbox, so a 201 alone does not say the event is out yet.)
    const probe = await EventStreamReader.open(a);
    await call(stack, a, 'PUT', '/v1/services/old/instances/o-1', { host: 'h', port: 1 });
    expect(await probe.waitFor(1)).toHaveLength(1);
    await probe.close();

    const streamA = await EventStreamReader.open(a);
    const streamB = await EventStreamReader.open(b);
    // Both tenants change the same names at the same time.
    await Promise.all([lifecycle(a, 'shop', 's-1'), lifecycle(b, 'shop', 's-1')]);

    const seenA = await streamA.waitFor(3);
    const seenB = await streamB.waitFor(3);
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would have arrived by now
    await streamA.close();
    await streamB.close();

    for (const [cred, seen] of [
      [a, streamA.events],
      [b, streamB.events],
    ] as const) {
      expect(seen.map((e) => e.event.type)).toEqual([REGISTERED, UPDATED, DEREGISTERED]);
      expect(seen.map((e) => e.sseType)).toEqual([REGISTERED, UPDATED, DEREGISTERED]);
      for (const { event } of seen) {
        expect(event).toMatchObject({
          specversion: '1.0',
          source: '/mcp/registry',
          subject: 'services/shop/instances/s-1',
          tenant: cred.tenant,
          data: { tenant: cred.tenant, instance: { service: 'shop', instanceId: 's-1' } },
        });
        expect(typeof event.id).toBe('string');
        expect(Date.parse(event.time)).not.toBeNaN();
      }
      expect(seen.map((e) => e.event.data.instance.port)).toEqual([1, 2, 2]);
    }
    expect(seenA.length + seenB.length).toBe(6);
    // Every event carries a position to resume from, each one further on.
    expect(new Set(streamA.events.map((e) => e.sseId)).size).toBe(3);
  });

  it('resumes with Last-Event-ID exactly after the last event seen, with nothing lost or repeated', async () => {
    const t = await newTenant(stack);
    const first = await EventStreamReader.open(t);
    await call(stack, t, 'PUT', '/v1/services/res/instances/r-1', { host: 'h', port: 1 });
    await call(stack, t, 'PUT', '/v1/services/res/instances/r-2', { host: 'h', port: 1 });
    const seen = await first.waitFor(2);
    await first.close();
    expect(seen).toHaveLength(2);

    // While disconnected: more changes, and noise from another tenant.
    const other = await newTenant(stack);
    await call(stack, other, 'PUT', '/v1/services/res/instances/r-9', { host: 'h', port: 1 });
    await call(stack, t, 'PUT', '/v1/services/res/instances/r-3', { host: 'h', port: 1 });
    await call(stack, t, 'DELETE', '/v1/services/res/instances/r-1');

    const afterFirst = await EventStreamReader.open(t, { lastEventId: seen[0].sseId });
    const replay = await afterFirst.waitFor(3);
    await new Promise((r) => setTimeout(r, 1000));
    await afterFirst.close();
    expect(afterFirst.events.map((e) => [e.event.type, e.event.data.instance.instanceId])).toEqual([
      [REGISTERED, 'r-2'],
      [REGISTERED, 'r-3'],
      [DEREGISTERED, 'r-1'],
    ]);
    expect(replay[0].event.id).toBe(seen[1].event.id);

    const afterLast = await EventStreamReader.open(t, { lastEventId: afterFirst.events[2].sseId });
    await call(stack, t, 'PUT', '/v1/services/res/instances/r-4', { host: 'h', port: 1 });
    await afterLast.waitFor(1);
    await new Promise((r) => setTimeout(r, 1000));
    await afterLast.close();
    expect(afterLast.events.map((e) => e.event.data.instance.instanceId)).toEqual(['r-4']);
  });

  it('hands over a position before any event, so a quiet stream resumes without loss', async () => {
    const t = await newTenant(stack);
    const quiet = await EventStreamReader.open(t);
    const deadline = Date.now() + 5000;
    while (quiet.lastId === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await quiet.close();
    expect(quiet.lastId).toMatch(/^[A-Za-z0-9_-]+$/);

    await call(stack, t, 'PUT', '/v1/services/quiet/instances/q-1', { host: 'h', port: 1 });
    const resumed = await EventStreamReader.open(t, { lastEventId: quiet.lastId });
    const events = await resumed.waitFor(1);
    await resumed.close();
    expect(events.map((e) => e.event.data.instance.instanceId)).toEqual(['q-1']);
  });

  it('follows only the types asked for', async () => {
    const t = await newTenant(stack);
    const stream = await EventStreamReader.open(t, { types: 'registry.instance.deregistered.v1' });
    await lifecycle(t, 'only', 'x-1');
    await stream.waitFor(1);
    await new Promise((r) => setTimeout(r, 1000));
    await stream.close();
    expect(stream.events.map((e) => e.event.type)).toEqual([DEREGISTERED]);
  });

  it('refuses a malformed Last-Event-ID, a bad type pattern, a key without registry:read and no key with problem+json', async () => {
    const t = await newTenant(stack);
    const writer = await newTenant(stack, ['registry:write']);
    const get = (
      key: string | undefined,
      query = '?types=registry.*',
      headers: Record<string, string> = {},
    ) =>
      fetch(`${stack.adminUrl}/v1/events${query}`, {
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      });

    await expectProblem(
      await get(t.key, undefined, { 'last-event-id': 'not a position!' }),
      400,
      'invalid_input',
    );
    const forged = Buffer.from(JSON.stringify({ 'mcp.registry.events': { '0': -5 } })).toString(
      'base64url',
    );
    await expectProblem(
      await get(t.key, undefined, { 'last-event-id': forged }),
      400,
      'invalid_input',
    );
    await expectProblem(await get(t.key, '?types=billing.*'), 400, 'invalid_input');
    await expectProblem(await get(writer.key), 403, 'forbidden');
    await expectProblem(await get(undefined), 401, 'unauthorized');
    await expectProblem(await get(stack.adminKey), 401, 'unauthorized');
  });

  it('keeps answering other requests while streams are open', async () => {
    const t = await newTenant(stack);
    const streams = await Promise.all(Array.from({ length: 5 }, () => EventStreamReader.open(t)));
    const started = Date.now();
    const res = await call(stack, t, 'GET', '/v1/services');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await Promise.all(streams.map((s) => s.close()));
  });
});
