import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '.tools/**',
      '**/node_modules/**',
      '**/.next/**',
      '**/dist/**',
      'apps/web/src/gql/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Configuration is parsed once, in @latent-lab/config, and handed down as options. Only the
    // processes' entry points hand the environment to it.
    files: ['packages/*/src/**/*.ts', 'packages/*/scripts/**/*.ts', 'apps/*/src/**/*.{ts,tsx}'],
    ignores: [
      'packages/config/src/**',
      'apps/cli/src/main.ts',
      'apps/server/src/main.ts',
      'apps/server/src/worker.ts',
      'packages/db/scripts/migrate.ts',
      // Hands the environment on to Prisma's CLI, a child process.
      'packages/db/scripts/generate.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'read the environment in @latent-lab/config; entry points pass process.env to it',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'node:process',
              importNames: ['env'],
              message: 'read the environment in @latent-lab/config',
            },
            {
              name: 'process',
              importNames: ['env'],
              message: 'read the environment in @latent-lab/config',
            },
          ],
        },
      ],
    },
  },
  {
    // The entry points may hand process.env to loadConfig and nothing else.
    files: [
      'apps/cli/src/main.ts',
      'packages/db/scripts/migrate.ts',
      'apps/server/src/main.ts',
      'apps/server/src/worker.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='process'][property.name='env']:not(CallExpression > MemberExpression.arguments)",
          message: 'entry points pass process.env whole to @latent-lab/config',
        },
      ],
    },
  },
  {
    // The CLI runs these sources on Node's type stripping (apps/cli/bin), which accepts only
    // TypeScript that erases to JavaScript: no parameter properties (nor enums or namespaces).
    files: ['packages/*/src/**/*.ts', 'apps/cli/src/**/*.ts'],
    rules: { '@typescript-eslint/parameter-properties': ['error', { prefer: 'class-property' }] },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable' } },
  },
);
