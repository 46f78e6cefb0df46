/**
 * Integration test of the starters themselves: starts its own Kafka and Postgres, so no global
 * setup here (the setup is what is being tested).
 */
module.exports = {
  displayName: 'infra:int',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 240000,
};
