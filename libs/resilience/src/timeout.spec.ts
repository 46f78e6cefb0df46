import { TimeoutError, withTimeout } from './timeout';

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the result when the operation finishes in time', async () => {
    const result = withTimeout(
      (signal) =>
        new Promise<string>((resolve) =>
          setTimeout(() => resolve(signal.aborted ? 'aborted' : 'done'), 50),
        ),
      100,
    );
    await jest.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe('done');
  });

  it('rejects with TimeoutError carrying the limit, and aborts the operation’s signal with it', async () => {
    let seen: AbortSignal | undefined;
    const result = withTimeout((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, 100);
    const settled = expect(result).rejects.toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
    await jest.advanceTimersByTimeAsync(99);
    expect(seen?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await settled;
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
  });

  it('passes on the operation’s own failure and clears its timer', async () => {
    await expect(
      withTimeout(async () => Promise.reject(new Error('own failure')), 100),
    ).rejects.toThrow('own failure');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const throwsAtOnce = (): Promise<never> => {
      throw new Error('sync');
    };
    await expect(withTimeout(throwsAtOnce, 100)).rejects.toThrow('sync');
  });

  it('aborts when the parent signal aborts, with the parent’s reason', async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const result = withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      1_000,
      parent.signal,
    );
    parent.abort(new Error('shutdown'));
    await expect(result).rejects.toThrow('shutdown');
    expect(seen?.aborted).toBe(true);
  });
});
