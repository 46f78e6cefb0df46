// Shared Jest settings: SWC compiles TypeScript (keeping decorator metadata for Nest),
// and the Nx resolver maps the @mcp/* path aliases of tsconfig.base.json.
const path = require('node:path');

module.exports = {
  // The summary reporter lets `npm test` total the passed/failed tests of every project.
  reporters: ['default', path.join(__dirname, 'tools/test/summary-reporter.js')],
  testEnvironment: 'node',
  resolver: '@nx/jest/plugins/resolver',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
};
