/** Unit tests: the pure parts (config rendering, binary discovery, error sentences, Maven progress). */
module.exports = {
  displayName: 'infra',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
