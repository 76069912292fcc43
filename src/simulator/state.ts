import { createKeyCheck } from './auth.js';
import type { KeyCheck } from './auth.js';
import { createCallLog } from './call-log.js';
import type { CallLog } from './call-log.js';
import { createCursorCodec } from './cursor.js';
import type { CursorCodec } from './cursor.js';
import { createScanCatalog } from './data.js';
import type { ScanCatalog } from './data.js';
import { createFaultSwitch } from './fault-switch.js';
import type { FaultSwitch } from './fault-switch.js';
import { createTokenBucket } from './token-bucket.js';
import type { TokenBucket } from './token-bucket.js';
import type { SimulatorCall, SimulatorOptions } from './simulator-options.js';

const DEFAULT_KEYS = [{ key: 'sim-key', accountGroups: '*' as const, permissions: ['signals:read'] }];
const DEFAULT_MAX_RECORDED_CALLS = 50_000;

/** Everything one simulator instance owns; the app reads it, the server and the control routes change it. */
export interface SimulatorState {
  readonly catalog: ScanCatalog;
  readonly cursors: CursorCodec;
  readonly keyCheck: KeyCheck;
  readonly keyHeader: string;
  readonly bucket: TokenBucket | undefined;
  readonly faults: FaultSwitch;
  /** Same array for the instance's life, so `RunningSimulator.calls` stays live. */
  readonly calls: SimulatorCall[];
  callCount(): number;
  recordCall(call: SimulatorCall): void;
  /** The calls with their events: what `RunningSimulator.onCall` and `waitForCalls` listen to. */
  readonly callLog: CallLog;
  /** Aborted by close(): ends hung requests and pending latency. */
  readonly closing: AbortSignal;
  close(): void;
  reset(): void;
}

export function createSimulatorState(options: SimulatorOptions = {}): SimulatorState {
  const seed = options.seed ?? 1;
  const keyHeader = options.keyHeader ?? 'authorization';
  const maxCalls = options.maxRecordedCalls ?? DEFAULT_MAX_RECORDED_CALLS;
  const bucket = options.rateLimit ? createTokenBucket(options.rateLimit) : undefined;
  const faults = createFaultSwitch(options.faults);
  const closer = new AbortController();
  const callLog = createCallLog(maxCalls);

  return {
    catalog: createScanCatalog({ seed, itemsPerGroup: options.itemsPerGroup }),
    cursors: createCursorCodec(seed),
    keyCheck: createKeyCheck(options.keys ?? DEFAULT_KEYS, keyHeader),
    keyHeader,
    bucket,
    faults,
    calls: callLog.calls,
    callCount: () => callLog.count(),
    recordCall: (call) => callLog.record(call),
    callLog,
    closing: closer.signal,
    close() {
      closer.abort();
      callLog.close();
    },
    reset() {
      callLog.reset();
      faults.clear();
      bucket?.reset();
    },
  };
}
