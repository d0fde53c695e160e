'use client';
import { RunDocument, RunProgressDocument } from '../../gql/graphql.ts';
import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import type { RunDetailFieldsFragment, RunStatus } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import { frameOfEvent, mergeFrames, type LiveFrame } from '../run-view/live-frames.ts';
import { framePositions } from './compare.ts';

export type CompareRun = RunDetailFieldsFragment;

interface LiveRun {
  readonly frames: ReadonlyMap<number, LiveFrame>;
  readonly status: RunStatus | null;
}

/** A compared run as shown: its status and frames with the live updates applied. */
export interface ShownRun {
  readonly run: CompareRun;
  readonly frames: ReadonlyMap<number, LiveFrame>;
  /** The alpha of each of its frames, for picking the one nearest the shared position. */
  readonly alphas: readonly number[];
}

export const ACTIVE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING']);

/**
 * The compared runs, fetched together, and the frames of the queued or running ones as they are
 * stored (a late subscriber first gets the frames so far, so nothing stored between the query and
 * the subscription is missed).
 */
export function useCompareRuns(ids: readonly string[]): {
  runs: CompareRun[] | null;
  shown: ShownRun[];
  error: string | null;
} {
  const client = useClient();
  const idsKey = ids.join(',');
  const [runs, setRuns] = useState<CompareRun[] | null>(null);
  const [live, setLive] = useState<ReadonlyMap<string, LiveRun>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    setRuns(null);
    setError(null);
    setLive(new Map());
    const runIds = idsKey.split(',').filter(Boolean);
    Promise.all(
      runIds.map((runId) =>
        client.query(RunDocument, { id: runId }, { requestPolicy: 'network-only' }).toPromise(),
      ),
    )
      .then((results) => {
        if (stale) return;
        const failed = results.find((r) => r.error);
        if (failed) return setError(describeError(failed.error));
        const missing = results.findIndex((r) => !r.data?.run);
        if (missing >= 0) return setError(`No run with id ${runIds[missing]}.`);
        setRuns(results.map((r) => r.data!.run!));
      })
      .catch((e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stale = true;
    };
  }, [client, idsKey]);

  const activeKey = (runs ?? [])
    .filter((run) => ACTIVE.has(run.status))
    .map((run) => run.id)
    .join(',');
  useEffect(() => {
    if (!activeKey) return;
    const subscriptions = activeKey.split(',').map((runId) =>
      client.subscription(RunProgressDocument, { runId }).subscribe((result) => {
        const event = result.data?.runProgress;
        if (!event) return;
        // A run that ended: its final timings (and stored frames) come from the run itself.
        if (event.kind === 'STATUS' && FINISHED_STATUSES.has(event.status))
          void client
            .query(RunDocument, { id: runId }, { requestPolicy: 'network-only' })
            .toPromise()
            .then(({ data }) => {
              const ended = data?.run;
              if (ended)
                setRuns((current) => current?.map((r) => (r.id === runId ? ended : r)) ?? null);
            });
        setLive((current) => {
          const frames = new Map(current.get(runId)?.frames);
          const frame = frameOfEvent(event);
          if (frame) frames.set(frame.index, frame);
          return new Map(current).set(runId, { frames, status: event.status });
        });
      }),
    );
    return () => subscriptions.forEach((s) => s.unsubscribe());
  }, [client, activeKey]);

  const shown = useMemo(
    () =>
      (runs ?? []).map((run) => {
        const update = live.get(run.id);
        return {
          run: { ...run, status: update?.status ?? run.status },
          frames: mergeFrames(run.frames.nodes, update?.frames.values() ?? []),
          alphas: framePositions(run.steps, run.easing),
        };
      }),
    [runs, live],
  );
  return { runs, shown, error };
}
