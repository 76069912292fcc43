import { describe, expect, it } from 'vitest';

import { createSimulatorApp } from '../../src/simulator/simulator.js';
import { AUTH, scansPath } from './fixture.js';

describe('createSimulatorApp', () => {
  it('serves the same API in-process through app.request()', async () => {
    const app = createSimulatorApp({ itemsPerGroup: 4 });
    const res = await app.request(scansPath('grp_a'), { headers: AUTH });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { items: unknown[] } }).data.items).toHaveLength(4);
  });
});
