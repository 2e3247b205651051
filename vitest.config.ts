import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/buildCli.ts', 'test/support/installTestAider.ts'],
    // Real git, real ptys and the real aider are slow on a 2-core machine, slower still under load:
    // these are bounds on a hang, never timing goals (those are benchmarks).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Each file gets its own process so a stuck pty cannot take the others with it.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
