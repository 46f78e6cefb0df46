/**
 * A signal for one call that aborts when `parent` does or after `timeoutMs`. `release()` unhooks
 * it from the long-lived parent once the call is over, so a process heartbeating for weeks does
 * not pile listeners onto it.
 */
export function callSignal(
  parent: AbortSignal,
  timeoutMs: number,
): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timeout = AbortSignal.timeout(timeoutMs);
  timeout.addEventListener('abort', () => controller.abort(timeout.reason), { once: true });
  return {
    signal: controller.signal,
    release: () => parent.removeEventListener('abort', onParentAbort),
  };
}
