import { Bulkhead, BulkheadFullError } from './bulkhead';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Bulkhead', () => {
  it('runs up to maxConcurrent calls at once, queues up to maxQueued and rejects the rest', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueued: 1 });
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const started: number[] = [];
    const calls = gates.map((gate, i) =>
      bulkhead.execute(async () => {
        started.push(i);
        return gate.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    await expect(bulkhead.execute(async () => 99)).rejects.toBeInstanceOf(BulkheadFullError);

    gates[0].resolve(0);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[1].resolve(1);
    gates[2].resolve(2);
    await expect(Promise.all(calls)).resolves.toEqual([0, 1, 2]);
    expect(bulkhead.availableSlots).toBe(2);
  });

  it('frees the slot when a call fails', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueued: 0 });
    await expect(bulkhead.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(bulkhead.execute(async () => 'next')).resolves.toBe('next');
  });

  it('drops a queued call whose caller aborted, with the caller’s reason', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const gate = deferred<string>();
    const running = bulkhead.execute(() => gate.promise);
    const controller = new AbortController();
    const queuedWork = jest.fn(async () => 'queued');
    const queued = bulkhead.execute(queuedWork, controller.signal);
    controller.abort(new Error('caller gave up'));
    gate.resolve('first');
    await expect(running).resolves.toBe('first');
    await expect(queued).rejects.toThrow('caller gave up');
    expect(queuedWork).not.toHaveBeenCalled();
  });
});
