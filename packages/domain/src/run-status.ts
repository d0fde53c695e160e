export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves: its frames and downloads no longer change. */
export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
]);

export function isFinished(status: RunStatus): boolean {
  return FINISHED_RUN_STATUSES.has(status);
}
