/** Unit tests: reads docker-compose.yml, Dockerfile and .dockerignore; needs no Docker engine. */
module.exports = {
  displayName: 'compose',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
