/** Unit tests: pure logic, no Kafka or Postgres. */
module.exports = {
  displayName: 'selectors',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
