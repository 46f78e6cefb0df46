/** Integration tests: real Kafka and Postgres, started by tools/infra unless given. */
module.exports = {
  displayName: 'config:int',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '../../tools/infra/jest/global-setup.ts',
  globalTeardown: '../../tools/infra/jest/global-teardown.ts',
  testTimeout: 60000,
};
