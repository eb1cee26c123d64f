// Mutation testing with StrykerJS. `npm run mutation` mutates the domain and the use cases,
// `npm run mutation:domain` only the domain (it passes --mutate). Reports: .leadflow/mutation/;
// scripts/mutation-summary.ts prints the score per scope and file from the JSON report.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['functions/domain/**/*.ts', 'functions/use-cases/**/*.ts'],
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: '.leadflow/mutation/mutation.json' },
  htmlReporter: { fileName: '.leadflow/mutation/mutation.html' },
  tempDirName: '.leadflow/mutation/tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['.leadflow', 'cdk.out', 'dist', 'coverage'],
  incremental: false,
  thresholds: { high: 90, low: 80, break: null },
};
