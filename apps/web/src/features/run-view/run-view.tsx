'use client';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useSubscription } from 'urql';
import {
  CancelRunMutation,
  RerunMutation,
  RunProgressSubscription,
  RunQuery,
} from './documents.ts';
import { DeleteRunMutation } from '../runs/documents.ts';
import type { RunProgressSubscription as ProgressData, RunStatus } from '../../gql/graphql.ts';
import { frameOfEvent, mergeFrames, type LiveFrame } from './live-frames.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import { randomSeed } from '../../lib/seed.ts';
import {
  describeNoise,
  estimateRemainingMs,
  formatDateTime,
  formatDuration,
} from '../../lib/format.ts';
import { ErrorMessage, FrameBox, ProgressBar, StatusBadge } from '../../components/bits.tsx';
import { choiceRows } from '../../components/choice-fields.tsx';
import { RunNotes } from './run-notes.tsx';
import { Player } from '../../components/player/player.tsx';
import { TagEditor } from './tag-editor.tsx';
import { canCreate, canEdit } from '../../lib/roles.ts';
import { CreatedBy } from '../../components/created-by.tsx';
import { useSession } from '../../shell/session.tsx';

interface LiveState {
  readonly frames: ReadonlyMap<number, LiveFrame>;
  readonly status: RunStatus | null;
  readonly error: string | null;
  readonly total: number | null;
}

const EMPTY_LIVE: LiveState = { frames: new Map(), status: null, error: null, total: null };

function applyEvent(state: LiveState = EMPTY_LIVE, data: ProgressData): LiveState {
  const event = data.runProgress;
  const frames = new Map(state.frames);
  const frame = frameOfEvent(event);
  if (frame) frames.set(frame.index, frame);
  return { frames, status: event.status, error: event.error ?? state.error, total: event.total };
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING']);
const FINAL = FINISHED_STATUSES;

export function RunView({ runId }: { runId: string }) {
  const router = useRouter();
  const session = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RunQuery,
    variables: { id: runId },
  });
  const [live] = useSubscription(
    { query: RunProgressSubscription, variables: { runId } },
    applyEvent,
  );
  const [cancelState, cancel] = useMutation(CancelRunMutation);
  const [rerunState, rerun] = useMutation(RerunMutation);
  const [deleteState, deleteRun] = useMutation(DeleteRunMutation);
  const [chosenPosition, setPosition] = useState(0);
  const [followLive, setFollowLive] = useState(true);
  const run = data?.run;
  const liveState = live.data ?? EMPTY_LIVE;

  const frames = useMemo(
    () =>
      [...mergeFrames(run?.frames.nodes ?? [], liveState.frames.values()).values()].sort(
        (a, b) => a.index - b.index,
      ),
    [run?.frames.nodes, liveState.frames],
  );

  const positionOf = useMemo(
    () => new Map(frames.map((f, position) => [f.index, position])),
    [frames],
  );
  const status: RunStatus | undefined = liveState.status ?? run?.status;
  const total = liveState.total ?? run?.steps ?? 0;
  const active = status !== undefined && ACTIVE.has(status);

  // While frames arrive the player shows the newest one, until the viewer takes the scrubber.
  // Derived, not set by an effect, so the first render already shows it and the player never
  // loads a full frame it does not keep.
  const position = followLive ? Math.max(0, frames.length - 1) : chosenPosition;

  // The final state's timings (encode, total) come from the run itself: fetch it once it ends.
  const refetched = useRef(false);
  useEffect(() => {
    if (status && FINAL.has(status) && run && !FINAL.has(run.status) && !refetched.current) {
      refetched.current = true;
      refetch({ requestPolicy: 'network-only' });
    }
  }, [status, run, refetch]);

  if (fetching && !run) return <p className="muted">Loading run…</p>;
  if (error && !run) return <ErrorMessage message={describeError(error)} />;
  if (!run) return <ErrorMessage message={`No run with id ${runId}.`} />;

  const remaining = status === 'RUNNING' ? estimateRemainingMs(frames, total) : null;
  // Built by the server from the stored frames; the file name comes from its Content-Disposition.
  const downloads = [
    { label: 'Frames (zip)', href: run.downloads.framesZip },
    { label: 'Animated WebP', href: run.downloads.animationWebp },
    { label: 'GIF', href: run.downloads.animationGif },
    { label: 'Contact sheet', href: run.downloads.contactSheet },
  ];

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
          </div>
        </div>
        <div className="row">
          {editable ? (
            <button
              type="button"
              className="danger"
              onClick={() => cancel({ id: runId })}
              disabled={!active || cancelState.fetching}
            >
              Cancel
            </button>
          ) : null}
          {creates ? (
            <button type="button" onClick={rerunWithNewSeed} disabled={rerunState.fetching}>
              Rerun with new seed
            </button>
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
      {status === 'FAILED' && errorText ? (
        <ErrorMessage message={`The run failed: ${errorText}`} />
      ) : null}

      <div className="run-layout" style={{ marginTop: '1rem' }}>
        <div>
          <div className="panel">
            <Player
              frames={frames}
              width={run.width}
              height={run.height}
              position={position}
              onPositionChange={(p) => {
                setFollowLive(false);
                setPosition(p);
              }}
              label="Player"
            />
            <h2>Filmstrip</h2>
            <div className="filmstrip" role="list" aria-label="Filmstrip" data-testid="filmstrip">
              {Array.from({ length: total }, (_, index) => {
                const at = positionOf.get(index) ?? -1;
                const frame = frames[at];
                return (
                  <div role="listitem" key={index}>
                    <button
                      type="button"
                      aria-label={frame ? `Show frame ${index}` : `Frame ${index} not decoded yet`}
                      aria-current={at === position && frame ? 'true' : undefined}
                      disabled={!frame}
                      onClick={() => {
                        setFollowLive(false);
                        setPosition(at);
                      }}
                    >
                      <FrameBox
                        src={frame?.thumbnailUrl}
                        width={run.width}
                        height={run.height}
                        alt=""
                      />
                    </button>
                    <div className="index">{index}</div>
                  </div>
                );
              })}
            </div>
          </div>
          <div className="panel">
            <h2 style={{ marginTop: 0 }}>Per-frame timings</h2>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Frame</th>
                    <th scope="col" className="num">
                      Alpha
                    </th>
                    <th scope="col" className="num">
                      Noise
                    </th>
                    <th scope="col" className="num">
                      Decode
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {frames.map((f) => (
                    <tr key={f.index} data-frame-index={f.index} data-decode-ms={f.decodeMs}>
                      <td>{f.index}</td>
                      <td className="num">{f.alpha.toFixed(3)}</td>
                      <td className="num">{f.noiseLevel.toFixed(3)}</td>
                      <td className="num">{formatDuration(f.decodeMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
        <aside>
          <div className="panel">
            <h2 style={{ marginTop: 0 }}>Parameters</h2>
            <dl className="params">
              <dt>Model</dt>
              <dd>{run.model}</dd>
              <dt>Steps</dt>
              <dd>{run.steps}</dd>
              {choiceRows(run).map((row) => (
                <Fragment key={row.label}>
                  <dt>{row.label}</dt>
                  <dd>{row.value}</dd>
                </Fragment>
              ))}
              <dt>Size</dt>
              <dd>
                {run.width}×{run.height}
              </dd>
              <dt>Noise</dt>
              <dd>{describeNoise(run.noise)}</dd>
              <dt>Seed</dt>
              <dd className="mono">{run.seed}</dd>
              <dt>Tags</dt>
              <dd>
                <TagEditor runId={run.id} tags={run.tags} readOnly={!editable} />
              </dd>
              <dt>Created by</dt>
              <dd>{run.createdBy ? <CreatedBy user={run.createdBy} prefix="" /> : '—'}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(run.createdAt)}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(run.startedAt)}</dd>
              <dt>Finished</dt>
              <dd>{formatDateTime(run.finishedAt)}</dd>
              <dt>Encode</dt>
              <dd>{formatDuration(run.encodeMs)}</dd>
              <dt>Total</dt>
              <dd>{formatDuration(run.totalMs)}</dd>
            </dl>
            <h3>Keyframes</h3>
            <div className="run-thumbs">
              {run.keyframes.map((image, i) => (
                <FrameBox
                  key={`${image.id}-${i}`}
                  src={image.thumbnailUrl}
                  width={image.width}
                  height={image.height}
                  alt={`Keyframe ${i + 1}: ${image.originalName}`}
                />
              ))}
            </div>
          </div>
          <div className="panel" aria-label="Notes" role="region">
            <h2 style={{ marginTop: 0 }}>Notes</h2>
            <RunNotes key={run.notes} runId={run.id} notes={run.notes} />
          </div>
          <div className="panel">
            <h2 style={{ marginTop: 0 }}>Downloads</h2>
            {frames.length === 0 ? (
              <p className="muted">Available once the first frame is stored.</p>
            ) : (
              <div className="row">
                {downloads.map(({ label, href }) => (
                  <a key={label} className="button" href={href} download>
                    {label}
                  </a>
                ))}
              </div>
            )}
          </div>
        </aside>
      </div>
    </>
  );
}
