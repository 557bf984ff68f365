/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/per-file-setup.ts'],
  testTimeout: 60_000,
  // Two cores: real servers are shared, each test file gets its own database and task queue.
  maxWorkers: 2,
  verbose: true,
  // A failing run must still end: the global teardown stops the servers and kills (and reports)
  // any process a test left behind, so nothing is lost by not waiting for stray handles.
  forceExit: true,
};
