import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { TopicMessages } from 'kafkajs';
import { RecordBatcher, RecordQueueFullError } from './record-batcher';

/** A fake `sendBatch` whose requests the test completes by hand. */
class ManualSend {
  readonly requests: { batch: TopicMessages[]; done: () => void; fail: (e: Error) => void }[] = [];
  readonly send = (batch: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => {
      this.requests.push({ batch, done: resolve, fail: reject });
    });
  keysOf(request: number): string[] {
    return this.requests[request].batch.flatMap((t) => t.messages.map((m) => String(m.key)));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RecordBatcher', () => {
  it('sends a record at once when idle, and batches what arrives while a request is out', async () => {
    const wire = new ManualSend();
    const batcher = new RecordBatcher({ send: wire.send });
    const first = batcher.add('t', { key: 'a', value: '1' });
    expect(wire.keysOf(0)).toEqual(['a']);

    const later = ['b', 'c', 'd'].map((key) => batcher.add('t', { key, value: '1' }));
    expect(wire.requests).toHaveLength(1);
    expect(batcher.queued).toBe(3);

    wire.requests[0].done();
    await first;
    await settle();
    expect(wire.keysOf(1)).toEqual(['b', 'c', 'd']);
    wire.requests[1].done();
    await Promise.all(later);
    expect(batcher.queued).toBe(0);
  });

  it('groups a batch by topic and caps its size', async () => {
    const wire = new ManualSend();
    const batcher = new RecordBatcher({ send: wire.send, maxBatch: 2 });
    void batcher.add('x', { key: '0', value: '' });
    void batcher.add('x', { key: '1', value: '' });
    void batcher.add('y', { key: '2', value: '' });
    void batcher.add('x', { key: '3', value: '' });
    wire.requests[0].done();
    await settle();
    expect(wire.requests[1].batch.map((t) => [t.topic, t.messages.length])).toEqual([
      ['x', 1],
      ['y', 1],
    ]);
    wire.requests[1].done();
    await settle();
    expect(wire.keysOf(2)).toEqual(['3']);
  });

  it('fails every record of a failed request, and keeps sending later ones', async () => {
    const wire = new ManualSend();
    const batcher = new RecordBatcher({ send: wire.send });
    const first = batcher.add('t', { key: 'a', value: '' });
    const second = batcher.add('t', { key: 'b', value: '' });
    const third = batcher.add('t', { key: 'c', value: '' });
    wire.requests[0].fail(new Error('broker gone'));
    await expect(first).rejects.toThrow('broker gone');
    await settle();
    wire.requests[1].fail(new Error('still gone'));
    await expect(second).rejects.toThrow('still gone');
    await expect(third).rejects.toThrow('still gone');

    const fourth = batcher.add('t', { key: 'd', value: '' });
    wire.requests[2].done();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('reports how many records each request carried and whether it succeeded', async () => {
    const wire = new ManualSend();
    const sent: { records: number; ok: boolean }[] = [];
    const batcher = new RecordBatcher({
      send: wire.send,
      onSent: ({ records, ok }) => sent.push({ records, ok }),
    });
    const first = batcher.add('t', { key: 'a', value: '' });
    const rest = [
      batcher.add('t', { key: 'b', value: '' }),
      batcher.add('t', { key: 'c', value: '' }),
    ];
    wire.requests[0].done();
    await first;
    await settle();
    wire.requests[1].fail(new Error('no'));
    await Promise.allSettled(rest);
    expect(sent).toEqual([
      { records: 1, ok: true },
      { records: 2, ok: false },
    ]);
  });

  it('refuses new records once the queue is full instead of growing without end', async () => {
    const wire = new ManualSend();
    const batcher = new RecordBatcher({ send: wire.send, maxQueued: 2 });
    void batcher.add('t', { key: 'on-the-wire', value: '' });
    void batcher.add('t', { key: 'q1', value: '' });
    void batcher.add('t', { key: 'q2', value: '' });
    await expect(batcher.add('t', { key: 'q3', value: '' })).rejects.toBeInstanceOf(
      RecordQueueFullError,
    );
  });

  it('gives each record the traceparent of a producer span under its own caller', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    try {
      const wire = new ManualSend();
      const batcher = new RecordBatcher({ send: wire.send });
      const tracer = trace.getTracer('test');
      const callers = ['one', 'two', 'three'].map((name) => tracer.startSpan(name));
      for (const [i, caller] of callers.entries()) {
        void context.with(trace.setSpan(context.active(), caller), () =>
          batcher.add('t', { key: String(i), value: '', headers: { ce_id: `e-${i}` } }),
        );
      }
      wire.requests[0].done();
      await settle();
      const sent = wire.requests.flatMap((r) => r.batch.flatMap((t) => t.messages));
      expect(sent).toHaveLength(3);
      for (const [i, message] of sent.entries()) {
        const traceparent = String(message.headers?.traceparent);
        expect(traceparent.split('-')[1]).toBe(callers[i].spanContext().traceId);
        expect(traceparent.split('-')[2]).not.toBe(callers[i].spanContext().spanId);
        expect(message.headers?.ce_id).toBe(`e-${i}`);
      }
    } finally {
      context.disable();
      trace.disable();
    }
  });
});
