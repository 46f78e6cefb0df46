/** The whole stack through the gateway: the four built apps on real Kafka and Postgres. */
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '../tools/infra/jest/global-setup.ts',
  globalTeardown: '../tools/infra/jest/global-teardown.ts',
  testTimeout: 120000,
};
