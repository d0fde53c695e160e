import { getRun, type PrismaClient } from '@latent-lab/db';
import type { ProgressApi } from '../graphql/context.ts';
import { RunEventKind, RunStatus, RunUpdateKind } from '../graphql/enums.ts';
import { notFound } from '../graphql/errors.ts';
import type { RunProgressEvent, RunUpdate } from '../graphql/types.ts';
import type { BusEvent, EventBus } from '../events/bus.ts';
import { AsyncEventQueue } from '../events/queue.ts';
import { fileUrl } from '../http/files.ts';
import { runView, TERMINAL_STATUSES } from './views.ts';

type FrameBusEvent = Extract<BusEvent, { type: 'frame' }>;
type StatusBusEvent = Extract<BusEvent, { type: 'status' }>;

function frameEvent(event: Omit<FrameBusEvent, 'type'>, status: RunStatus): RunProgressEvent {
  return { kind: RunEventKind.FRAME, status, error: null, ...event };
}

function statusEvent(event: Omit<StatusBusEvent, 'type'>): RunProgressEvent {
  return {
    kind: RunEventKind.STATUS,
    index: null,
    alpha: null,
    noiseLevel: null,
    url: null,
    decodeMs: null,
    change: null,
    ...event,
  };
}

export class ProgressService implements ProgressApi {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
  ) {}

  /**
   * Live events are captured first and held back while the stored frames are read, then released
   * with every frame index already sent dropped: no gap, no duplicate. Completes after the final status.
   */
  async runProgress(runId: string): Promise<AsyncIterable<RunProgressEvent>> {
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
      const run = await getRun(this.prisma, runId);
      if (!run) throw notFound('run', runId);
      const sent = new Set<number>();
      let status = run.status as RunStatus;
      const total = run.steps;
      const forward = (event: BusEvent): void => {
        if (event.type === 'frame') {
          if (sent.has(event.index)) return;
          sent.add(event.index);
          const { type: _type, ...fields } = event;
          queue.push(frameEvent(fields, status));
        } else if (event.type === 'status') {
          status = event.status;
          const { type: _type, ...fields } = event;
          queue.push(statusEvent(fields));
          if (TERMINAL_STATUSES.has(event.status)) queue.end();
        }
      };
      if (!TERMINAL_STATUSES.has(status)) {
        queue.push(
          statusEvent({ runId, status, error: run.error, done: run.frames.length, total }),
        );
      }
      run.frames.forEach((frame, position) => {
        sent.add(frame.index);
        queue.push(
          frameEvent(
            {
              runId,
              index: frame.index,
              alpha: frame.alpha,
              noiseLevel: frame.noiseLevel,
              url: fileUrl(frame.storageKey),
              decodeMs: frame.decodeMs,
              change: frame.change,
              done: position + 1,
              total,
            },
            status,
          ),
        );
      });
      if (TERMINAL_STATUSES.has(status)) {
        queue.push(
          statusEvent({ runId, status, error: run.error, done: run.frames.length, total }),
        );
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

  runUpdates(): AsyncIterable<RunUpdate> {
    const prisma = this.prisma;
    const updates = new AsyncEventQueue<Extract<BusEvent, { type: 'run' }>>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'run') updates.push(event);
    });
    return (async function* () {
      try {
        for await (const update of updates) {
          const run = update.kind === 'DELETED' ? null : await getRun(prisma, update.runId);
          yield {
            kind:
              run || update.kind === 'DELETED'
                ? (update.kind as RunUpdateKind)
                : RunUpdateKind.DELETED,
            runId: update.runId,
            run: run ? runView(run) : null,
          };
        }
      } finally {
        await updates.return();
      }
    })();
  }
}
