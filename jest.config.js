// ESM project: run through `node --experimental-vm-modules` (see package.json "test"). tsconfig.json sets
// isolatedModules, so ts-jest transpiles each file on its own (types are checked by `npm run typecheck`).
// With DATABASE_URL set the suites share one migrated server database, so they run one at a time;
// on the embedded default every suite boots its own in-memory PGlite and two can run side by side.
const shared = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // content-disposition: see test/shims/content-disposition.cjs.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^content-disposition$': '<rootDir>/test/shims/content-disposition.cjs' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.cjs',
  maxWorkers: shared ? 1 : 2,
  // A worker keeps what its suites leave behind (modules, and any app or timer a suite left open)
  // for as long as it lives; in band, one process ran the whole server suite and grew past 3 GB,
  // each later suite several times slower than the first. With a limit Jest runs the suites in a
  // worker (even a single one) and starts a fresh one whenever it has grown past the limit.
  workerIdleMemoryLimit: '700MB',
  testTimeout: 120_000,
};
