// The vendor simulator in a process of its own, so its work never counts against the gateway's
// or the load generator's event loop.
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { serveRpc } from '../child-rpc.js';
import type { SimulatorMethods } from './methods.js';

let simulator: RunningSimulator | undefined;

function running(): RunningSimulator {
  if (simulator === undefined) throw new Error('simulator not started');
  return simulator;
}

serveRpc<SimulatorMethods>({
  async start(options) {
    simulator = await startSimulator({ ...options, port: 0, host: '127.0.0.1' });
    return { url: simulator.url };
  },
  setFaults(faults) {
    running().setFaults(faults);
    return null;
  },
  calls({ since }) {
    const sim = running();
    const calls = sim.calls
      .filter((c) => c.at >= since)
      .map((c) => ({ at: c.at, accountGroupId: c.accountGroupId, status: c.status }));
    return { count: sim.callCount(), calls };
  },
  reset() {
    running().reset();
    return null;
  },
  async stop() {
    await simulator?.close();
    return null;
  },
});
