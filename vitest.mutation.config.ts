import { defineConfig } from 'vitest/config';

// Used by Stryker (stryker.config.mjs): only the fast, in-process tests, so every mutant run is
// quick. Handler, workflow, infra and e2e tests start servers or synthesize stacks.
// `npm run mutation:domain` sets MUTATION_SCOPE=domain: the domain is then judged by its unit tests
// alone, which also keeps its score independent of the use-case tests.
const domainOnly = process.env.MUTATION_SCOPE === 'domain';

export default defineConfig({
  test: {
    include: domainOnly
      ? ['test/unit/**/*.test.ts']
      : ['test/unit/**/*.test.ts', 'test/use-cases/**/*.test.ts'],
    exclude: ['node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    setupFiles: ['test/setup.ts'],
  },
});
