import { defineConfig } from 'vitest/config';

// Real-browser tests need Debian's chromium; .ci/run installs it before running this config.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
