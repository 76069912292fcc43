import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Pure units (no Redis, no port, no child process) are named *.unit.test.ts: `npm run test:unit`
 * runs them in seconds. Everything else is the integration suite, against the machine's Redis.
 */
const UNIT = 'test/**/*.unit.test.ts';

export default defineConfig({
  test: {
    // Two cores: two files at a time across both projects; each file's tests in order (they
    // share servers).
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { test: { name: 'unit', include: [UNIT] } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
