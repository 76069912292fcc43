// The vendor API simulator's public surface: the gateway's tests, demo and benchmarks import from here.
export type {
  RunningSimulator,
  SimulatorCall,
  SimulatorFaults,
  SimulatorKey,
  SimulatorOptions,
  WaitForCallsOptions,
} from './simulator-options.js';
export type { FaultMode } from './simulator-options.js';
export { FAULT_MODES } from './simulator-options.js';
export { SCAN_STATUSES } from './data.js';
export type { Scan, ScanStatus } from './data.js';
export { createSimulatorApp, SCANS_ROUTE } from './app.js';
export type { SimulatorEnv } from './app.js';
export { createSimulatorState } from './state.js';
export type { SimulatorState } from './state.js';
export { startSimulator } from './server.js';
export type { StartSimulatorOptions } from './server.js';
