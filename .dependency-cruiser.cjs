// The layer rules of the house, enforced by `npm run lint`. Dependencies point down:
//   apps (cli, web, server entry points) -> server edges (graphql/, http/, jobs/) -> services
//   -> data (packages/db), storage, engine, config -> domain (the bottom: knows nothing of the rest).
/** @type {import('dependency-cruiser').IConfiguration} */
const pkg = (name) => `^packages/${name}/`;
const server = (folder) => `^apps/server/src/${folder}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'The house has no import cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-the-bottom',
      severity: 'error',
      comment: 'The domain knows nothing of the engine, the data layer, storage, GraphQL or HTTP.',
      from: { path: pkg('domain') },
      to: { path: '^(packages|apps)/', pathNot: pkg('domain') },
    },
    {
      name: 'lower-packages-use-only-the-domain',
      severity: 'error',
      comment: 'engine, db, storage and config sit side by side above the domain.',
      from: { path: '^packages/(engine|db|storage|config)/src/' },
      to: { path: '^(packages|apps)/', pathNot: ['^packages/domain/', '^packages/$1/'] },
    },
    {
      name: 'packages-never-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'prisma-stays-in-the-data-layer',
      severity: 'error',
      comment: 'No Prisma client or generated model outside packages/db.',
      from: { path: '^(apps|packages)/', pathNot: pkg('db') },
      to: { path: ['@prisma/', '^packages/db/src/generated/', 'node_modules/(@prisma|prisma)/'] },
    },
    {
      name: 'environment-through-config',
      severity: 'error',
      comment:
        'Configuration is parsed once in packages/config; only entry points hand it process.env.',
      from: {
        path: '^(packages|apps)/',
        pathNot: [
          pkg('config'),
          '^apps/server/src/(main|worker)\\.ts$',
          '^apps/cli/src/main\\.ts$',
          '^packages/db/scripts/(migrate|generate)\\.ts$',
        ],
      },
      to: { path: '^(node:)?process$', dependencyTypes: ['core'] },
    },
    {
      name: 'services-know-no-edges',
      severity: 'error',
      comment: 'Services take and return domain objects; GraphQL and HTTP are edges above them.',
      from: { path: server('services') },
      to: {
        path: [
          server('graphql'),
          server('http'),
          server('jobs'),
          'node_modules/(type-graphql|graphql|express)/',
        ],
      },
    },
    {
      name: 'jobs-and-events-know-no-edges',
      severity: 'error',
      comment: 'A worker process never loads the GraphQL layer or HTTP routes.',
      from: { path: [server('jobs'), server('events')] },
      to: {
        path: [server('graphql'), server('http'), server('services'), 'node_modules/type-graphql/'],
      },
    },
    {
      name: 'edges-use-services-not-data',
      severity: 'error',
      comment: 'Resolvers and routes call services; only services and jobs reach the data layer.',
      from: { path: [server('graphql'), server('http')] },
      to: { path: ['^packages/db/', server('jobs')] },
    },
    {
      name: 'http-and-graphql-are-siblings',
      severity: 'error',
      from: { path: server('graphql') },
      to: { path: server('http') },
    },
    {
      name: 'cli-is-standalone',
      severity: 'error',
      comment:
        'The CLI uses the engine, the domain, storage and config; never the server or the database.',
      from: { path: '^apps/cli/' },
      to: { path: ['^apps/(server|web)/', '^packages/db/'] },
    },
    {
      name: 'web-talks-graphql-only',
      severity: 'error',
      comment:
        'The dashboard reaches the server through GraphQL; it may share the domain and pure engine modules.',
      from: { path: '^apps/web/src/' },
      to: { path: ['^apps/(server|cli)/', '^packages/(db|storage|config)/'] },
    },
    {
      name: 'dependencies-are-declared',
      severity: 'error',
      comment: 'Every package a module imports is declared in the package.json of its workspace.',
      from: { path: '^(packages|apps)/' },
      to: { path: 'node_modules', dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'imports-resolve',
      severity: 'error',
      from: { path: '^(packages|apps)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'runtime-code-uses-runtime-dependencies',
      severity: 'error',
      comment: 'Code that runs in production imports no devDependency.',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: '^apps/web/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    // The generated Prisma client is a node of the graph (so rules see imports of it), not cruised.
    doNotFollow: { path: ['node_modules', '^packages/db/src/generated/'] },
    exclude: { path: ['\\.next/', 'apps/web/src/gql/', '(^|/)dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
