/** Bounds how long an operation may take, and tells it (through its signal) to stop when it may not. */

export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` and rejects with TimeoutError if it has not settled within `timeoutMs`; the signal
 * handed to `fn` is aborted with that error at the same moment, so its I/O can be cancelled.
 * An abort of `parent` aborts the operation too, and rejects with the parent's reason.
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    if (parent?.aborted) {
      reject(parent.reason);
      return;
    }
    const fail = (reason: unknown) => {
      cleanup();
      controller.abort(reason);
      reject(reason);
    };
    const onParentAbort = () => fail(parent?.reason);
    const timer = setTimeout(() => fail(new TimeoutError(timeoutMs)), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    };
    parent?.addEventListener('abort', onParentAbort, { once: true });

    let running: Promise<T>;
    try {
      running = fn(controller.signal);
    } catch (error) {
      cleanup();
      reject(error);
      return;
    }
    running.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
