import { CircuitBreaker, CircuitOpenError, type CircuitState } from './circuit-breaker';

const ok = async () => 'ok';
const boom = async (): Promise<string> => {
  throw new Error('boom');
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CircuitBreaker', () => {
  let clock: number;
  let transitions: [CircuitState, CircuitState][];
  const breaker = (halfOpenRequests = 1) =>
    new CircuitBreaker({
      failureThreshold: 3,
      openMs: 1_000,
      halfOpenRequests,
      now: () => clock,
      onStateChange: (from, to) => transitions.push([from, to]),
    });

  async function fail(cb: CircuitBreaker, times: number) {
    for (let i = 0; i < times; i++) await expect(cb.execute(boom)).rejects.toThrow('boom');
  }

  async function openAndWait(cb: CircuitBreaker) {
    await fail(cb, 3);
    clock += 1_000;
  }

  beforeEach(() => {
    clock = 0;
    transitions = [];
  });

  it('passes calls through while closed', async () => {
    const cb = breaker();
    await expect(cb.execute(ok)).resolves.toBe('ok');
    expect(cb.state).toBe('closed');
  });

  it('opens after failureThreshold consecutive failures', async () => {
    const cb = breaker();
    await fail(cb, 2);
    expect(cb.state).toBe('closed');
    await fail(cb, 1);
    expect(cb.state).toBe('open');
    expect(transitions).toEqual([['closed', 'open']]);
  });

  it('counts only consecutive failures: a success in between resets the count', async () => {
    const cb = breaker();
    await fail(cb, 2);
    await cb.execute(ok);
    await fail(cb, 2);
    expect(cb.state).toBe('closed');
  });

  it('rejects calls while open without calling the dependency, saying how long is left', async () => {
    const cb = breaker();
    await fail(cb, 3);
    clock += 400;
    const fn = jest.fn(ok);
    const rejection = cb.execute(fn);
    await expect(rejection).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(rejection).rejects.toMatchObject({ retryAfterMs: 600 });
    expect(fn).not.toHaveBeenCalled();
  });

  it('turns half-open once openMs has passed', async () => {
    const cb = breaker();
    await fail(cb, 3);
    clock += 999;
    expect(cb.state).toBe('open');
    clock += 1;
    expect(cb.state).toBe('half-open');
  });

  it('lets exactly halfOpenRequests probes through while half-open and rejects the rest', async () => {
    const cb = breaker(2);
    await openAndWait(cb);
    const first = deferred<string>();
    const second = deferred<string>();
    const probes = [cb.execute(() => first.promise), cb.execute(() => second.promise)];
    const extra = jest.fn(ok);
    await expect(cb.execute(extra)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(extra).not.toHaveBeenCalled();
    first.resolve('a');
    second.resolve('b');
    await expect(Promise.all(probes)).resolves.toEqual(['a', 'b']);
  });

  it('closes when its probes succeed', async () => {
    const cb = breaker(2);
    await openAndWait(cb);
    await cb.execute(ok);
    expect(cb.state).toBe('half-open');
    await cb.execute(ok);
    expect(cb.state).toBe('closed');
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
    // Closed again means a fresh count: it takes the full threshold to open it.
    await fail(cb, 2);
    expect(cb.state).toBe('closed');
  });

  it('re-opens for another openMs when a probe fails', async () => {
    const cb = breaker(2);
    await openAndWait(cb);
    await cb.execute(ok);
    await fail(cb, 1);
    expect(cb.state).toBe('open');
    clock += 999;
    await expect(cb.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    clock += 1;
    expect(cb.state).toBe('half-open');
  });

  it('ignores the late outcome of a call that started before the circuit changed state', async () => {
    const cb = breaker(1);
    const slow = deferred<string>();
    const slowCall = cb.execute(() => slow.promise);
    await openAndWait(cb);
    await cb.execute(ok); // the probe closes it
    expect(cb.state).toBe('closed');
    slow.reject(new Error('late'));
    await expect(slowCall).rejects.toThrow('late');
    await fail(cb, 2);
    expect(cb.state).toBe('closed');
  });

  it('does not count errors that isFailure excludes', async () => {
    const cb = new CircuitBreaker({
      failureThreshold: 1,
      openMs: 1_000,
      halfOpenRequests: 1,
      now: () => clock,
      isFailure: (err) => !(err instanceof RangeError),
    });
    await expect(
      cb.execute(() => Promise.reject(new RangeError('caller mistake'))),
    ).rejects.toThrow(RangeError);
    expect(cb.state).toBe('closed');
  });

  it('refuses nonsensical settings', () => {
    expect(
      () => new CircuitBreaker({ failureThreshold: 0, openMs: 1, halfOpenRequests: 1 }),
    ).toThrow(RangeError);
    expect(
      () => new CircuitBreaker({ failureThreshold: 1, openMs: 1, halfOpenRequests: 0 }),
    ).toThrow(RangeError);
    expect(
      () => new CircuitBreaker({ failureThreshold: 1, openMs: -1, halfOpenRequests: 1 }),
    ).toThrow(RangeError);
  });
});
