import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{electron,cli,shared,shared-node,relay,renderer,test}/**/*.test.{ts,tsx}'],
    // Integration tests spawn real processes and bind real sockets; on a 2-core machine running
    // too many files at once turns timing-sensitive assertions into noise.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
