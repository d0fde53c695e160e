import { formatDateTime } from '../lib/format.ts';
import type { RunStatus } from '../gql/graphql.ts';

/** A queued run's place in the render queue and its estimated start; nothing for other runs. */
export function QueuePlace({
  status,
  queuePosition,
  estimatedStartAt,
}: {
  status: RunStatus;
  queuePosition: number | null;
  estimatedStartAt: string | null;
}) {
  if (status !== 'QUEUED' || queuePosition === null) return null;
  return (
    <span className="muted" data-testid="queue-place" data-position={queuePosition}>
      Position {queuePosition} in the queue
      {estimatedStartAt
        ? `, starts about ${formatDateTime(estimatedStartAt)}`
        : ' (the start is estimated once a run has finished)'}
    </span>
  );
}
