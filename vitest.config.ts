import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Every temp dir of the run under one root, removed at the end (test/helpers/scratch-root.ts).
    globalSetup: ['test/helpers/scratch-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Type errors fail `npm test` through `tsc --noEmit` over test/ as well.
  },
});
