/** How late the event loop runs now, in ms. */
export interface EventLoopDelay {
  readonly currentMs: number;
  stop(): void;
}

const TICK_MS = 20;

/**
 * A timer that measures how late it fires. A late tick raises the delay at once; the figure then
 * holds the worst tick of the last full window, so it falls back only after a window on time.
 * A number on the hot path, not a percentile per request.
 */
export function watchEventLoopDelay(windowMs = 500): EventLoopDelay {
  let last = performance.now();
  let windowStart = last;
  let windowWorst = 0;
  let currentMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const lateMs = Math.max(0, now - last - TICK_MS);
    last = now;
    windowWorst = Math.max(windowWorst, lateMs);
    currentMs = Math.max(currentMs, lateMs);
    if (now - windowStart >= windowMs) {
      currentMs = windowWorst;
      windowWorst = 0;
      windowStart = now;
    }
  }, TICK_MS);
  timer.unref();
  return {
    get currentMs() {
      return currentMs;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
