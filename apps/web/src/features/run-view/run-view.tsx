'use client';
import {
  CancelRunDocument,
  DeleteRunDocument,
  RerunDocument,
  RunDocument,
  RunProgressDocument,
  RunUpdatesDocument,
} from '../../gql/graphql.ts';
import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useSubscription } from 'urql';
import type {
  RunProgressSubscription,
  RunStatus,
  RunUpdatesSubscription,
} from '../../gql/graphql.ts';
import {
  FINAL_FETCH_TRIES,
  finalFetchDelayMs,
  frameOfEvent,
  mergeFrames,
  type LiveFrame,
} from './live-frames.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import { randomSeed } from '../../lib/seed.ts';
import { estimateRemainingMs, formatDuration } from '../../lib/format.ts';
import { ErrorMessage, ProgressBar, StatusBadge } from '../../components/bits.tsx';
import { Player } from '../../components/player/player.tsx';
import { QueuePlace } from '../../components/queue-place.tsx';
import { canCreate, canEdit } from '../../lib/roles.ts';
import { FrameTimings, Filmstrip } from './frame-panels.tsx';
import { QualityPanel } from './quality-panel.tsx';
import { RunAside } from './run-aside.tsx';
import { useSession } from '../../shell/session.tsx';

interface LiveState {
  readonly frames: ReadonlyMap<number, LiveFrame>;
  readonly status: RunStatus | null;
  /** The last status its events gave while it was queued or running. */
  readonly active: RunStatus | null;
  readonly error: string | null;
  readonly total: number | null;
}

const EMPTY_LIVE: LiveState = {
  frames: new Map(),
  status: null,
  active: null,
  error: null,
  total: null,
};

function applyEvent(state: LiveState = EMPTY_LIVE, data: RunProgressSubscription): LiveState {
  const event = data.runProgress;
  const frames = new Map(state.frames);
  const frame = frameOfEvent(event);
  if (frame) frames.set(frame.index, frame);
  // Only a STATUS event moves the status: a FRAME event's is the run's as it was sent, already
  // final for stored frames replayed after the run ended.
  if (event.kind !== 'STATUS') return { ...state, frames, total: event.total };
  return {
    frames,
    status: event.status,
    active: FINISHED_STATUSES.has(event.status) ? state.active : event.status,
    error: event.error ?? state.error,
    total: event.total,
  };
}

interface QueueMoves {
  /** Runs seen to have left the queue (started or ended). */
  readonly left: ReadonlySet<string>;
  /** Counts the changes that move the queue: a run leaving it, or deleted. */
  readonly count: number;
}

function countQueueMoves(
  state: QueueMoves = { left: new Set(), count: 0 },
  data: RunUpdatesSubscription,
): QueueMoves {
  const { kind, runId, run } = data.runUpdates;
  if (kind === 'DELETED') return { ...state, count: state.count + 1 };
  if (!run || run.status === 'QUEUED' || state.left.has(runId)) return state;
  return { left: new Set(state.left).add(runId), count: state.count + 1 };
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING']);
const FINAL = FINISHED_STATUSES;

export function RunView({ runId }: { runId: string }) {
  const router = useRouter();
  const session = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RunDocument,
    variables: { id: runId },
  });
  const [live] = useSubscription({ query: RunProgressDocument, variables: { runId } }, applyEvent);
  const [cancelState, cancel] = useMutation(CancelRunDocument);
  const [rerunState, rerun] = useMutation(RerunDocument);
  const [deleteState, deleteRun] = useMutation(DeleteRunDocument);
  const [chosenPosition, setPosition] = useState(0);
  const [followLive, setFollowLive] = useState(true);
  // A failed refetch answers no data: the run shows as last fetched (null once deleted).
  const [lastRun, setLastRun] = useState(data?.run);
  if (data && data.run !== lastRun) setLastRun(data.run);
  const run = data ? data.run : lastRun;
  const liveState = live.data ?? EMPTY_LIVE;

  const frames = useMemo(
    () =>
      [...mergeFrames(run?.frames.nodes ?? [], liveState.frames.values()).values()].sort(
        (a, b) => a.index - b.index,
      ),
    [run?.frames.nodes, liveState.frames],
  );

  const liveStatus = liveState.status;
  // Its events say it ended, and its final record (every stored frame, its timings) is not here.
  const ending = !!run && liveStatus !== null && FINAL.has(liveStatus) && !FINAL.has(run.status);
  // So an ended run never shows with a frame its events missed, it shows as ended with that record.
  const status: RunStatus | undefined = ending
    ? (liveState.active ?? run.status)
    : (liveStatus ?? run?.status);
  // While it waits, the runs ahead start, end or go: its place is read again after each.
  const [queueMoves] = useSubscription(
    { query: RunUpdatesDocument, pause: status !== 'QUEUED' },
    countQueueMoves,
  );
  const moves = queueMoves.data?.count ?? 0;
  useEffect(() => {
    if (moves > 0) refetch({ requestPolicy: 'network-only' });
  }, [moves, refetch]);
  const total = liveState.total ?? run?.steps ?? 0;
  const active = status !== undefined && ACTIVE.has(status);

  // While frames arrive the player shows the newest one, until the viewer takes the scrubber.
  // Derived, not set by an effect, so the first render already shows it and the player never
  // loads a full frame it does not keep.
  const position = followLive ? Math.max(0, frames.length - 1) : chosenPosition;
  const show = (at: number) => {
    setFollowLive(false);
    setPosition(at);
  };

  // The final record is fetched once the run ends, and again while that fails.
  const [finalTries, setFinalTries] = useState(0);
  useEffect(() => {
    if (!ending || fetching) return;
    if (finalTries > 0 && (!error || finalTries >= FINAL_FETCH_TRIES)) return;
    const fetchFinal = () => {
      setFinalTries(finalTries + 1);
      refetch({ requestPolicy: 'network-only' });
    };
    if (finalTries === 0) {
      fetchFinal();
      return;
    }
    const timer = setTimeout(fetchFinal, finalFetchDelayMs(finalTries));
    return () => clearTimeout(timer);
  }, [ending, fetching, error, finalTries, refetch]);
  const finalFetchFailed = ending && !fetching && error && finalTries >= FINAL_FETCH_TRIES;

  if (fetching && !run) return <p className="muted">Loading run…</p>;
  if (error && !run) return <ErrorMessage message={describeError(error)} />;
  if (!run) return <ErrorMessage message={`No run with id ${runId}.`} />;

  const remaining = status === 'RUNNING' ? estimateRemainingMs(frames, total) : null;
  async function rerunWithNewSeed() {
    const result = await rerun({ id: runId, overrides: { seed: randomSeed() } });
    if (result.data) router.push(`/runs/${result.data.rerun.id}`);
  }

  async function remove() {
    if (!window.confirm('Delete this run and its frames?')) return;
    // A Boolean result names no type: say which cached queries it changes.
    const result = await deleteRun({ id: runId }, { additionalTypenames: ['Run'] });
    if (!result.error) router.push('/');
  }

  const errorText = liveState.error ?? run.error;
  const role = session?.workspace.role;
  const editable = canEdit(role, run.createdBy?.id, session?.me.id);
  const creates = canCreate(role);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{run.name}</h1>
          <div className="row">
            <span data-testid="run-status">{status ? <StatusBadge status={status} /> : null}</span>
            <span className="muted">
              <span data-testid="frames-done">{frames.length}</span> / {total} frames
            </span>
            {status === 'RUNNING' ? (
              <span
                className="muted"
                data-testid="eta"
                data-remaining-ms={remaining === null ? undefined : remaining}
              >
                ETA {remaining === null ? 'estimating…' : formatDuration(remaining)}
              </span>
            ) : null}
            {status ? <QueuePlace {...run} status={status} /> : null}
          </div>
        </div>
        <div className="row">
          {editable && active ? (
            <button
              type="button"
              className="danger"
              onClick={() => cancel({ id: runId })}
              disabled={cancelState.fetching}
            >
              Cancel
            </button>
          ) : null}
          {creates ? (
            <button type="button" onClick={rerunWithNewSeed} disabled={rerunState.fetching}>
              Rerun with new seed
            </button>
          ) : null}
          {creates ? (
            <Link className="button" href={`/runs/new?from=${run.id}`}>
              Edit and rerun
            </Link>
          ) : null}
          {editable ? (
            <button
              type="button"
              className="danger"
              onClick={remove}
              disabled={active || deleteState.fetching}
            >
              Delete
            </button>
          ) : null}
        </div>
      </div>
      <ProgressBar done={frames.length} total={total} label="Frames decoded" />
      <ErrorMessage
        message={
          describeError(cancelState.error) ??
          describeError(rerunState.error) ??
          describeError(deleteState.error)
        }
      />
      {finalFetchFailed ? (
        <ErrorMessage
          message={`The run ended, but its final state could not be fetched: ${describeError(error)}`}
        />
      ) : null}
      {status === 'FAILED' && errorText ? (
        <ErrorMessage message={`The run failed: ${errorText}`} />
      ) : null}

      <div className="run-layout" style={{ marginTop: '1rem' }}>
        <div>
          {status && FINAL.has(status) && frames.length === 0 ? (
            // An empty player and a strip of undecoded frames would suggest frames to come.
            <div className="panel" data-testid="no-frames">
              <h2 style={{ marginTop: 0 }}>No frames</h2>
              <p className="muted" style={{ marginBottom: 0 }}>
                {status === 'FAILED'
                  ? 'The run failed before it rendered any frame.'
                  : 'The run ended before it rendered any frame.'}
              </p>
            </div>
          ) : (
            <>
              <div className="panel">
                <Player
                  frames={frames}
                  total={total}
                  width={run.width}
                  height={run.height}
                  position={position}
                  onPositionChange={show}
                  label="Player"
                  fps={run.animation.fps}
                  mode={run.animation.loop === 'PING_PONG' ? 'ping-pong' : 'loop'}
                />
                <Filmstrip
                  frames={frames}
                  total={total}
                  width={run.width}
                  height={run.height}
                  position={position}
                  onShow={show}
                />
              </div>
              <FrameTimings frames={frames} />
            </>
          )}
          <QualityPanel metrics={run.metrics} />
        </div>
        <RunAside run={run} editable={editable} hasFrames={frames.length > 0} />
      </div>
    </>
  );
}
