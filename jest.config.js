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
  testTimeout: 120_000,
};
