import { LightAbort, type AbortLike } from '../platform/light-abort.js';

/** The signal of one vendor call, and whether it was the deadline that fired it. */
export interface CallSignal {
  signal: AbortLike;
  timedOut(): boolean;
  /** The call is over: the timer and the listener on the caller's signal go. */
  done(): void;
}

/**
 * Fires at the deadline or when the caller's signal fires, whichever comes first. One controller
 * and one timer, cleared when the call ends: `AbortSignal.timeout` plus `AbortSignal.any` cost a
 * tracked timer and weak references per call, which showed in every miss's profile.
 */
export function callSignal(timeoutMs: number, caller: AbortLike | undefined): CallSignal {
  const controller = new LightAbort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The vendor call reached its deadline.', 'TimeoutError'));
  }, timeoutMs);
  // A call in flight must not hold a shutting-down process open.
  timer.unref();
  const onCallerAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted === true) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller,
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}
