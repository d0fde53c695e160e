import {
  countFrames,
  framesAfter,
  getRun,
  runIdsChangedSince,
  type DbClient,
} from '@latent-lab/db';
import {
  authorize,
  fileUrl,
  isFinished,
  notFound,
  thumbnailUrl,
  type Actor,
  type RunRecord,
  type RunStatus,
} from '@latent-lab/domain';
import type { BusEvent, EventBus, LocalEvent } from '../events/bus.ts';
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

/** How far before a LISTEN loss `runUpdates` looks for changed runs. */
const RESYNC_MARGIN_MS = 60_000;

export class ProgressService {
  constructor(
    private readonly db: DbClient,
    private readonly bus: EventBus,
  ) {}

  /**
   * Stored frames from fromIndex on, then live events, without gap or duplicate: live events are
   * captured first and held back while the stored frames are read, then released with every frame
   * index already sent dropped. After a LISTEN reconnect (a `resync` event: notifications may have
   * been lost) live events are held again while the frames after the last one sent and the current
   * status are read, the same way, and so after an event that shows an earlier one was never
   * published. Completes after the final status.
   */
  async runProgress(
    actor: Actor,
    runId: string,
    fromIndex = 0,
  ): Promise<AsyncIterable<RunProgressEvent>> {
    authorize(actor, 'read');
    const db = this.db;
    const held: LocalEvent[] = [];
    let deliver: ((event: LocalEvent) => void) | undefined;
    // A resync while the stored frames are being read: read again once that read ends.
    let again = false;
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'resync') {
        if (deliver) deliver(event);
        else again = true;
        return;
      }
      if (event.type !== 'frame' && event.type !== 'status') return;
      if (event.runId !== runId) return;
      if (deliver) deliver(event);
      else held.push(event);
    });
    const queue = new AsyncEventQueue<RunProgressEvent>(unsubscribe);
    const sent = new Set<number>();
    let status: RunStatus;
    let statusSent: RunStatus | undefined;
    let total = 0;
    const sendFrame = (frame: Omit<FrameBusEvent, 'type'>): void => {
      if (sent.has(frame.index)) return;
      sent.add(frame.index);
      if (frame.index < fromIndex) return;
      queue.push({ kind: 'FRAME', status, error: null, ...frame });
    };
    const sendStatus = (event: Omit<StatusBusEvent, 'type'>): void => {
      status = event.status;
      if (statusSent === event.status) return;
      statusSent = event.status;
      queue.push({ kind: 'STATUS', ...event });
      if (isFinished(event.status)) queue.end();
    };
    const forward = (event: LocalEvent): void => {
      // Each frame is stored, in order, before its event is published; a frame event past a gap,
      // or a final status with frames unsent, means an event was never published (its worker
      // died in between): the stored frames are read, as after a resync.
      if (event.type === 'frame' && event.index > contiguous() + 1) return catchUp();
      if (event.type === 'status' && isFinished(event.status) && contiguous() + 1 < event.done)
        return catchUp();
      if (event.type === 'frame') {
        const { type: _type, ...fields } = event;
        sendFrame(fields);
      } else if (event.type === 'status') {
        const { type: _type, ...fields } = event;
        sendStatus(fields);
      } else if (event.type === 'resync') {
        catchUp();
      }
    };
    /** Frames stored after the last one sent, then the status as stored, live events held meanwhile. */
    const readStored = async (afterIndex: number): Promise<void> => {
      const run = await getRun(db, runId, actor.workspaceId);
      if (!run) {
        if (statusSent === undefined) throw notFound('run', runId, 'runId');
        queue.end();
        return;
      }
      const frames = await framesAfter(db, runId, afterIndex);
      status = run.status;
      total = run.params.steps;
      const done = await countFrames(db, runId);
      const statusNow = () => ({ runId, status: run.status, error: run.error, done, total });
      if (!isFinished(run.status)) sendStatus(statusNow());
      for (const frame of frames) {
        sendFrame({
          runId,
          index: frame.index,
          alpha: frame.alpha,
          noiseLevel: frame.noiseLevel,
          url: fileUrl(frame.storageKey),
          thumbnailUrl: thumbnailUrl(frame),
          decodeMs: frame.decodeMs,
          change: frame.change,
          done: frame.index + 1,
          total,
        });
      }
      if (isFinished(run.status)) sendStatus(statusNow());
    };
    /** The last index of the unbroken run of frames sent from fromIndex on (frames are stored in order). */
    const contiguous = (): number => {
      let index = fromIndex - 1;
      while (sent.has(index + 1)) index += 1;
      return index;
    };
    /** Reads until no resync arrived meanwhile, then releases the held events and goes live. */
    const readUntilCurrent = async (): Promise<void> => {
      do {
        again = false;
        await readStored(contiguous());
      } while (again);
      // Released in order; one of them may start another catch-up, which keeps the rest held.
      deliver = forward;
      while (deliver === forward && held.length > 0) forward(held.shift()!);
    };
    const catchUp = (): void => {
      deliver = undefined;
      readUntilCurrent().catch((error: unknown) => queue.fail(error));
    };
    try {
      await readUntilCurrent();
      return queue;
    } catch (error) {
      queue.end();
      throw error;
    }
  }

  /**
   * Every run created, changed or deleted, with the run as it is now (no frames are read). After a
   * LISTEN reconnect, an UPDATED for every run that may have changed while events were lost (every
   * run queued or running, and every run created, started or finished since shortly before).
   */
  runUpdates(actor: Actor): AsyncIterable<RunUpdate> {
    authorize(actor, 'read');
    const db = this.db;
    type Update = Extract<BusEvent, { type: 'run' }>;
    const updates = new AsyncEventQueue<Update | { type: 'resync'; since: Date }>(() =>
      unsubscribe(),
    );
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'run' && event.workspaceId === actor.workspaceId) updates.push(event);
      // A margin for clocks that differ between this process and the database's writers.
      if (event.type === 'resync')
        updates.push({
          type: 'resync',
          since: new Date(event.lostAt.getTime() - RESYNC_MARGIN_MS),
        });
    });
    return (async function* () {
      try {
        for await (const update of updates) {
          if (update.type === 'resync') {
            for (const runId of await runIdsChangedSince(db, update.since)) {
              // Runs of other workspaces read as absent here and are skipped.
              const run = await getRun(db, runId, actor.workspaceId);
              if (run) yield { kind: 'UPDATED' as const, runId, run };
            }
            continue;
          }
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
