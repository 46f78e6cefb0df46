/** Unit tests: pure logic, no Kafka or Postgres. */
module.exports = {
  displayName: 'protocol',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
