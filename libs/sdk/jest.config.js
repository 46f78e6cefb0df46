/** Unit tests: the pure parts (SSE parsing, lease timing, the instance cache, weighted picks). */
module.exports = {
  displayName: 'sdk',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
