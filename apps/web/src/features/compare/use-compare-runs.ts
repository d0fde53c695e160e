'use client';
import { RunDocument, RunProgressDocument } from '../../gql/graphql.ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { RunDetailFieldsFragment, RunStatus } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import {
  FINAL_FETCH_TRIES,
  finalFetchDelayMs,
  frameOfEvent,
  mergeFrames,
  type LiveFrame,
} from '../run-view/live-frames.ts';
import { framePositions } from './compare.ts';

export type CompareRun = RunDetailFieldsFragment;

interface LiveRun {
  readonly frames: ReadonlyMap<number, LiveFrame>;
  /** The last status its events gave while it was queued or running. */
  readonly status: RunStatus | null;
  /** Its events said it ended: it shows as ended once its final record is fetched. */
  readonly ended: boolean;
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
 * Most runs followed live at once. The server refuses operations beyond WS_MAX_SUBSCRIPTIONS (50
 * by default) on one WebSocket, which the page shares with others, and a sweep has up to 64 runs.
 */
export const MAX_LIVE_RUNS = 40;

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

  // Retries of a final fetch stop with the page.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  /**
   * Fetches a run that ended: its final timings and every frame it stored. Until this lands the
   * run shows as still running, so an ended run never shows with a frame its events missed.
   */
  const fetchEnded = useCallback(
    (runId: string) => {
      const attempt = (tries: number): void =>
        void client
          .query(RunDocument, { id: runId }, { requestPolicy: 'network-only' })
          .toPromise()
          .then(({ data, error: failure }) => {
            if (!mounted.current) return;
            const ended = data?.run;
            if (ended)
              return setRuns(
                (current) => current?.map((r) => (r.id === runId ? ended : r)) ?? null,
              );
            if (!failure) return setError(`Run ${runId} was deleted.`);
            if (tries >= FINAL_FETCH_TRIES) return setError(describeError(failure));
            setTimeout(() => attempt(tries + 1), finalFetchDelayMs(tries));
          });
      attempt(1);
    },
    [client],
  );

  /** Follows one run's progress: its frames and status as they come, its final form once ended. */
  const follow = useCallback(
    (runId: string) =>
      client.subscription(RunProgressDocument, { runId }).subscribe((result) => {
        const event = result.data?.runProgress;
        if (!event) return;
        const ended = event.kind === 'STATUS' && FINISHED_STATUSES.has(event.status);
        if (ended) fetchEnded(runId);
        setLive((current) => {
          const before = current.get(runId);
          const frames = new Map(before?.frames);
          const frame = frameOfEvent(event);
          if (frame) frames.set(frame.index, frame);
          // Only a STATUS event moves the status. A FRAME event carries the run's status as it was
          // sent: already final for the stored frames replayed to a run that ended before this
          // subscription began, whose events would stop at the first if it counted.
          const moved = event.kind === 'STATUS' && !ended;
          const status = moved ? event.status : (before?.status ?? null);
          return new Map(current).set(runId, { frames, status, ended: ended || !!before?.ended });
        });
      }),
    [client, fetchEnded],
  );

  // The runs followed now: the running ones first, then the queued in the order given, at most
  // MAX_LIVE_RUNS; as one ends, the next is followed (and first gets the frames it stored so far).
  const followedKey = useMemo(() => {
    const statusOf = (run: CompareRun) => {
      const update = live.get(run.id);
      return update?.ended ? null : (update?.status ?? run.status);
    };
    const byStatus = (status: RunStatus) => (runs ?? []).filter((run) => statusOf(run) === status);
    return [...byStatus('RUNNING'), ...byStatus('QUEUED')]
      .slice(0, MAX_LIVE_RUNS)
      .map((run) => run.id)
      .join(',');
  }, [runs, live]);
  // Subscriptions are started and stopped one by one, so a run that ends leaves the others'
  // subscriptions as they are (restarting them would replay every frame they stored).
  const followed = useRef(new Map<string, { unsubscribe(): void }>());
  useEffect(() => {
    const wanted = new Set(followedKey.split(',').filter(Boolean));
    const current = followed.current;
    for (const [runId, subscription] of current)
      if (!wanted.has(runId)) {
        subscription.unsubscribe();
        current.delete(runId);
      }
    for (const runId of wanted) if (!current.has(runId)) current.set(runId, follow(runId));
  }, [follow, followedKey]);
  useEffect(() => {
    const current = followed.current;
    return () => {
      for (const subscription of current.values()) subscription.unsubscribe();
      current.clear();
    };
  }, [follow, idsKey]);

  const shown = useMemo(
    () =>
      (runs ?? []).map((run) => {
        const update = live.get(run.id);
        return {
          // The final record's status once fetched; the live one before.
          run: {
            ...run,
            status: FINISHED_STATUSES.has(run.status) ? run.status : (update?.status ?? run.status),
          },
          frames: mergeFrames(run.frames.nodes, update?.frames.values() ?? []),
          alphas: framePositions(run.steps, run.easing),
        };
      }),
    [runs, live],
  );
  return { runs, shown, error };
}
