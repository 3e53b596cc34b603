import base from './jest.base.config.js';

// One embedded PostgreSQL for the whole run (global setup/teardown); each test file gets its own
// database cloned from a migrated template, so files run in parallel without seeing each other.
export default {
  ...base,
  displayName: 'e2e',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 60000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
