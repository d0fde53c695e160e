import type { CodegenConfig } from '@graphql-codegen/cli';

// Operation types come from the server's printed schema, so codegen runs offline and without a server.
const config: CodegenConfig = {
  schema: '../server/schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: true,
  // Generated files are git-ignored but still checked by the repository's format check.
  hooks: { afterAllFileWrite: ['prettier --write --ignore-path ../../.prettierignore'] },
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        importExtension: '.ts',
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', Upload: 'File', Seed: 'number', JSON: 'unknown' },
      },
    },
  },
};

export default config;
