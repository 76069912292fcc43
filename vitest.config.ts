import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: files run in parallel, but each file's tests in order (they share servers).
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
