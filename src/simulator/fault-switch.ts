import { z } from 'zod';

import { FAULT_MODES } from './simulator-options.js';
import type { SimulatorFaults } from './simulator-options.js';

// Header values must not be able to break the response: printable ASCII only.
const headerValue = z.string().regex(/^[\x20-\x7e]*$/, 'printable ASCII only');

/** Strict, so a typo in a test's or a benchmark's fault description fails loudly instead of doing nothing. */
export const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).exactOptional(),
  mode: z.enum(FAULT_MODES).exactOptional(),
  status: z.number().int().min(400).max(599).exactOptional(),
  retryAfter: headerValue.nullable().exactOptional(),
  redirectTo: headerValue.min(1).exactOptional(),
  oversizedBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 ** 3)
    .exactOptional(),
  times: z.number().int().min(0).exactOptional(),
});

export function parseFaults(input: unknown): SimulatorFaults {
  const parsed = faultsSchema.safeParse(input);
  if (!parsed.success) throw new TypeError(`invalid simulator faults: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The current faults, counting down `times` per scans call that they affect. */
export interface FaultSwitch {
  set(faults: SimulatorFaults): void;
  /** The faults for this call (undefined = behave normally); consumes one of `times`. */
  take(): SimulatorFaults | undefined;
  clear(): void;
}

export function createFaultSwitch(initial: SimulatorFaults | undefined): FaultSwitch {
  let current: SimulatorFaults | undefined;
  let remaining = Infinity;

  const sw: FaultSwitch = {
    set(faults) {
      const parsed = parseFaults(faults);
      const active = (parsed.mode !== undefined && parsed.mode !== 'none') || (parsed.latencyMs ?? 0) > 0;
      remaining = parsed.times ?? Infinity;
      current = active && remaining > 0 ? parsed : undefined;
    },
    take() {
      if (current === undefined) return undefined;
      const faults = current;
      remaining -= 1;
      if (remaining <= 0) current = undefined;
      return faults;
    },
    clear() {
      current = undefined;
      remaining = Infinity;
    },
  };
  if (initial !== undefined) sw.set(initial);
  return sw;
}
