// Lint rules for the whole workspace. The module-boundary rule is what keeps the architecture
// honest: apps never import apps, libs never import apps, and the framework-free core libs
// (protocol, resilience) never reach for Nest, Kafka or Postgres code.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  {
    ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.cache', '**/.data', '**/coverage'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
            { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:core'] },
            { sourceTag: 'layer:infra', onlyDependOnLibsWithTags: ['layer:core', 'layer:infra'] },
            {
              sourceTag: 'layer:nest',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:infra', 'layer:nest'],
            },
          ],
        },
      ],
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Developer tools and tests talk to a terminal; the services use the structured logger.
    files: ['tools/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts', 'e2e/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
