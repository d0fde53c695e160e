import { getRun, listFrames, type DbClient } from '@latent-lab/db';
import {
  authorize,
  fileUrl,
  isFinished,
  notFound,
  type Actor,
  thumbnailUrl,
  type RunRecord,
  type RunStatus,
} from '@latent-lab/domain';
import type { BusEvent, EventBus } from '../events/bus.ts';
import { AsyncEventQueue } from '../events/queue.ts';

type FrameBusEvent = Extract<BusEvent, { type: 'frame' }>;
type StatusBusEvent = Extract<BusEvent, { type: 'status' }>;

/** One event of a run's progress: ids, numbers and URLs, never image bytes. */
export type RunProgressEvent =
  | (Omit<FrameBusEvent, 'type'> & { kind: 'FRAME'; status: RunStatus; error: null })
  | (Omit<StatusBusEvent, 'type'> & { kind: 'STATUS' });

export interface RunUpdate {
  kind: 'CREATED' | 'UPDATED' | 'DELETED';
  runId: string;
  /** The run as it is now; null once deleted. */
  run: RunRecord | null;
}

export class ProgressService {
  constructor(
    private readonly db: DbClient,
    private readonly bus: EventBus,
  ) {}

  /**
   * Stored frames from fromIndex on, then live events, without gap or duplicate: live events are
   * captured first and held back while the stored frames are read, then released with every frame
   * index already sent dropped. Completes after the final status.
   */
  async runProgress(
    actor: Actor,
    runId: string,
    fromIndex = 0,
  ): Promise<AsyncIterable<RunProgressEvent>> {
    authorize(actor, 'read');
    const held: BusEvent[] = [];
    let deliver: ((event: BusEvent) => void) | undefined;
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type !== 'frame' && event.type !== 'status') return;
      if (event.runId !== runId) return;
      if (deliver) deliver(event);
      else held.push(event);
    });
    const queue = new AsyncEventQueue<RunProgressEvent>(unsubscribe);
    try {
      const run = await getRun(this.db, runId, actor.workspaceId);
      if (!run) throw notFound('run', runId, 'runId');
      const frames = await listFrames(this.db, runId);
      const sent = new Set<number>();
      let status = run.status;
      const total = run.params.steps;
      const done = frames.length;
      const forward = (event: BusEvent): void => {
        if (event.type === 'frame') {
          if (sent.has(event.index) || event.index < fromIndex) return;
          sent.add(event.index);
          const { type: _type, ...fields } = event;
          queue.push({ kind: 'FRAME', status, error: null, ...fields });
        } else if (event.type === 'status') {
          status = event.status;
          const { type: _type, ...fields } = event;
          queue.push({ kind: 'STATUS', ...fields });
          if (isFinished(event.status)) queue.end();
        }
      };
      const statusNow = (): RunProgressEvent => ({
        kind: 'STATUS',
        runId,
        status,
        error: run.error,
        done,
        total,
      });
      if (!isFinished(status)) queue.push(statusNow());
      frames.forEach((frame, position) => {
        sent.add(frame.index);
        if (frame.index < fromIndex) return;
        queue.push({
          kind: 'FRAME',
          status,
          error: null,
          runId,
          index: frame.index,
          alpha: frame.alpha,
          noiseLevel: frame.noiseLevel,
          url: fileUrl(frame.storageKey),
          thumbnailUrl: thumbnailUrl(frame),
          decodeMs: frame.decodeMs,
          change: frame.change,
          done: position + 1,
          total,
        });
      });
      if (isFinished(status)) {
        queue.push(statusNow());
        queue.end();
        return queue;
      }
      for (const event of held.splice(0)) forward(event);
      deliver = forward;
      return queue;
    } catch (error) {
      queue.end();
      throw error;
    }
  }

  /**
   * Every run of the actor's workspace created, changed or deleted, with the run as it is now (no
   * frames are read).
   */
  runUpdates(actor: Actor): AsyncIterable<RunUpdate> {
    authorize(actor, 'read');
    const db = this.db;
    const updates = new AsyncEventQueue<Extract<BusEvent, { type: 'run' }>>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'run' && event.workspaceId === actor.workspaceId) updates.push(event);
    });
    return (async function* () {
      try {
        for await (const update of updates) {
          const run =
            update.kind === 'DELETED' ? null : await getRun(db, update.runId, actor.workspaceId);
          yield { kind: run ? update.kind : 'DELETED', runId: update.runId, run };
        }
      } finally {
        await updates.return();
      }
    })();
  }
}
