import { RetryPolicy } from './retry-policy';

const transient = () => Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });

describe('RetryPolicy', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const policy = (maxAttempts: number) =>
    new RetryPolicy({ maxAttempts, backoff: { baseMs: 100, maxMs: 1_000, jitter: 'none' } });

  it('returns the first success, without waiting', async () => {
    const fn = jest.fn(async () => 'ok');
    await expect(policy(3).execute(fn)).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries retryable failures with growing delays and numbers the attempts from 1', async () => {
    const attempts: number[] = [];
    const retries: [number, number][] = [];
    const fn = async (attempt: number) => {
      attempts.push(attempt);
      if (attempt < 3) throw transient();
      return 'ok';
    };
    const result = policy(5).execute(fn, {
      onRetry: (_err, attempt, delayMs) => retries.push([attempt, delayMs]),
    });
    await jest.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(200);
    await expect(result).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(retries).toEqual([
      [1, 100],
      [2, 200],
    ]);
  });

  it('gives up after maxAttempts and rethrows the last failure', async () => {
    let calls = 0;
    const result = policy(3).execute(async () => {
      calls++;
      throw Object.assign(transient(), { message: `failure ${calls}` });
    });
    const settled = expect(result).rejects.toThrow('failure 3');
    await jest.runAllTimersAsync();
    await settled;
    expect(calls).toBe(3);
  });

  it('stops at once on a failure that is not retryable', async () => {
    const fn = jest.fn(async () => {
      throw Object.assign(new Error('bad request'), { status: 400 });
    });
    await expect(policy(5).execute(fn)).rejects.toThrow('bad request');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('uses the classification it was given', async () => {
    const always = new RetryPolicy({
      maxAttempts: 2,
      backoff: { baseMs: 1, maxMs: 1, jitter: 'none' },
      isRetryable: () => true,
    });
    const fn = jest.fn(async () => {
      throw new Error('anything');
    });
    const settled = expect(always.execute(fn)).rejects.toThrow('anything');
    await jest.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('stops waiting as soon as it is aborted, with the abort reason, and starts no new attempt', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async () => {
      throw transient();
    });
    const result = policy(5).execute(fn, { signal: controller.signal });
    const settled = expect(result).rejects.toThrow('shutting down');
    await jest.advanceTimersByTimeAsync(50);
    controller.abort(new Error('shutting down'));
    await settled;
    await jest.runAllTimersAsync();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const fn = jest.fn(async () => 'ok');
    await expect(policy(3).execute(fn, { signal: controller.signal })).rejects.toThrow('gone');
    expect(fn).not.toHaveBeenCalled();
  });

  it('hands the attempt the caller’s signal', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await policy(1).execute(
      async (_attempt, signal) => {
        seen = signal;
      },
      { signal: controller.signal },
    );
    expect(seen).toBe(controller.signal);
  });

  it('computes delays with its backoff and injected randomness', () => {
    const jittered = new RetryPolicy({
      maxAttempts: 3,
      backoff: { baseMs: 100, maxMs: 1_000, jitter: 'full' },
      random: () => 0.5,
    });
    expect([1, 2, 3].map((a) => jittered.delayFor(a))).toEqual([50, 100, 200]);
  });

  it('has sensible defaults and refuses fewer than one attempt', () => {
    expect(RetryPolicy.defaults.maxAttempts).toBeGreaterThan(1);
    expect(new RetryPolicy().delayFor(100)).toBeLessThanOrEqual(RetryPolicy.defaults.backoff.maxMs);
    expect(() => new RetryPolicy({ ...RetryPolicy.defaults, maxAttempts: 0 })).toThrow(RangeError);
  });
});
