import type { RunStatus } from '@latent-lab/domain';

/** What travels between processes: ids, numbers and URLs only, never image bytes (NOTIFY caps at 8000 bytes). */
export type BusEvent =
  | {
      type: 'frame';
      runId: string;
      index: number;
      alpha: number;
      noiseLevel: number;
      url: string;
      /** The frame's small WebP, for lists and filmstrips. */
      thumbnailUrl: string;
      decodeMs: number;
      change: number | null;
      done: number;
      total: number;
    }
  | {
      type: 'status';
      runId: string;
      status: RunStatus;
      error: string | null;
      done: number;
      total: number;
    }
  | {
      type: 'run';
      kind: 'CREATED' | 'UPDATED' | 'DELETED';
      runId: string;
      /** Subscribers see the runs of their own workspace only. */
      workspaceId: string;
    }
  /**
   * A user's authority changed (removed from or role changed in a workspace, signed out, password
   * changed, a token revoked): every API process re-checks that user's open sockets at once.
   */
  | { type: 'access'; userId: string }
  /** A run was queued: wakes idle workers now instead of at their next poll. */
  | { type: 'queued'; runId: string };

/**
 * Delivered to this process's subscribers only, never published: the LISTEN connection was lost
 * and is back, and notifications sent meanwhile are gone. Subscribers catch up from the database.
 */
export interface ResyncEvent {
  type: 'resync';
  /** When the LISTEN connection was lost (this process's clock). */
  lostAt: Date;
}

export type LocalEvent = BusEvent | ResyncEvent;

/** The database's LISTEN/NOTIFY (PostgreSQL across processes; in process with PGlite). */
export interface Notifier {
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Runs the callback after each LISTEN reconnect; returns a function that removes it. */
  onListenReconnect?(callback: (lostAt: Date) => void): () => void;
}

export const EVENT_CHANNEL = 'latent_lab_events';

type Listener = (event: LocalEvent) => void;

/**
 * One LISTEN per process, fanned out in memory to every subscriber. After a LISTEN reconnect every
 * subscriber receives a `resync` event (see `reconnected()` for tests and health).
 */
export class EventBus {
  private reconnects = 0;
  private readonly reconnectWaiters = new Set<() => void>();

  private constructor(
    private readonly notifier: Notifier,
    private readonly unlisten: () => Promise<void>,
    private readonly listeners: Set<Listener>,
  ) {}

  /** LISTEN reconnects so far in this process. */
  get reconnectCount(): number {
    return this.reconnects;
  }

  /** Resolves at the next LISTEN reconnect, after every subscriber has been told to resync. */
  reconnected(): Promise<void> {
    return new Promise((resolve) => this.reconnectWaiters.add(resolve));
  }

  private resync(lostAt: Date): void {
    this.reconnects += 1;
    for (const listener of this.listeners) listener({ type: 'resync', lostAt });
    for (const resolve of this.reconnectWaiters) resolve();
    this.reconnectWaiters.clear();
  }

  static async open(
    notifier: Notifier,
    onMalformed: (payload: string) => void = () => {},
  ): Promise<EventBus> {
    const listeners = new Set<Listener>();
    const unlisten = await notifier.listen(EVENT_CHANNEL, (payload) => {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        onMalformed(payload);
        return;
      }
      for (const listener of listeners) listener(event);
    });
    let bus: EventBus | undefined = undefined;
    const removeReconnect = notifier.onListenReconnect?.((lostAt) => bus?.resync(lostAt));
    bus = new EventBus(
      notifier,
      async () => {
        removeReconnect?.();
        await unlisten();
      },
      listeners,
    );
    return bus;
  }

  publish(event: BusEvent): Promise<void> {
    return this.notifier.notify(EVENT_CHANNEL, JSON.stringify(event));
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.unlisten();
  }
}
