// @ts-check

/**
 * Calls `tick` with the whole seconds left, at once and then each second, and `done` at zero.
 * Counts against a deadline, so a slow timer does not stretch the wait. Returns a cancel function.
 * @param {number} seconds
 * @param {(left: number) => void} tick
 * @param {() => void} done
 * @returns {() => void}
 */
export function countdown(seconds, tick, done) {
  const deadline = Date.now() + seconds * 1000;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const step = () => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      done();
      return;
    }
    tick(left);
    timer = setTimeout(step, Math.min(1000, deadline - Date.now() - (left - 1) * 1000));
  };
  step();
  return () => clearTimeout(timer);
}
