/**
 * True at most once per `everyMs`: a dead Redis fails every command and every reconnect, and one
 * line every few seconds says as much as thousands.
 */
export function createLogThrottle(
  everyMs = 5000,
  now: () => number = () => performance.now(),
): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < everyMs) return false;
    last = t;
    return true;
  };
}
