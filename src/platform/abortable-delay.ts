import type { AbortLike } from './light-abort.js';

/**
 * Waits `ms` on a timer. Resolves false at once when `signal` aborts (the client went away), so
 * the caller can give up the work it was waiting to do. Node starts a timer from the event loop's
 * cached time, so it can fire a little early; the deadline is re-checked on the monotonic clock,
 * which matters when the wait is for a rate slot.
 */
export function delayUnlessAborted(ms: number, signal?: AbortLike): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  const deadline = performance.now() + ms;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const arm = () => {
      const left = deadline - performance.now();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
        return;
      }
      timer = setTimeout(arm, Math.ceil(left));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}
