// @latent-lab/domain: the bottom layer. Run parameters with their one schema, option lists,
// statuses, domain errors, records, paging and storage keys. No GraphQL, HTTP or database here.
export * from './options.ts';
export * from './run-status.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './run-options.ts';
export * from './run-params.ts';
export * from './sweeps.ts';
export * from './noise-preset.ts';
export * from './records.ts';
export * from './run-metrics.ts';
export * from './page.ts';
export * from './run-filter.ts';
export * from './storage-keys.ts';
export * from './access.ts';
export * from './report.ts';
