/** The simulator's control routes (`/_sim/*`), which the real vendor does not have. */

/** Scans calls the simulator has received since it started (or was reset). */
export async function simulatorCalls(simulatorUrl: string): Promise<number> {
  const res = await fetch(`${simulatorUrl}/_sim/stats`);
  return ((await res.json()) as { calls: number }).calls;
}

/** Added latency for every scans call from now on; 0 = none. */
export async function setUpstreamLatency(simulatorUrl: string, latencyMs: number): Promise<void> {
  const res = await fetch(`${simulatorUrl}/_sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(latencyMs > 0 ? { latencyMs } : {}),
  });
  if (res.status !== 200) throw new Error(`simulator refused the faults: ${await res.text()}`);
}

/** Clears calls, faults and the simulator's own rate-limit bucket. */
export async function resetSimulator(simulatorUrl: string): Promise<void> {
  const res = await fetch(`${simulatorUrl}/_sim/reset`, { method: 'POST' });
  await res.arrayBuffer();
}

/**
 * Counts the simulator's calls every 100 ms while a burst runs; `stop` gives the most calls in
 * any 1-s window (to the 100 ms the samples allow) and the total.
 */
export function watchCalls(simulatorUrl: string): { stop(): Promise<{ maxIn1s: number; total: number }> } {
  const samples: { at: number; calls: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push({ at: performance.now(), calls: await simulatorCalls(simulatorUrl) });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      samples.push({ at: performance.now(), calls: await simulatorCalls(simulatorUrl) });
      let maxIn1s = 0;
      let start = 0;
      for (const end of samples) {
        while ((samples[start]?.at ?? end.at) < end.at - 1000) start += 1;
        maxIn1s = Math.max(maxIn1s, end.calls - (samples[start]?.calls ?? end.calls));
      }
      const first = samples[0]?.calls ?? 0;
      return { maxIn1s, total: (samples.at(-1)?.calls ?? first) - first };
    },
  };
}
