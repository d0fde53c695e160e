import pg from 'pg';

/**
 * Who is rendering which run, so two live workers never render one run at once (a job whose
 * heartbeat came too late is retried by pg-boss while its worker still finishes a frame). Finding
 * runs of dead workers is pg-boss's job heartbeat, not this.
 */
export interface RunLocks {
  /** A release function, or null when this or another process holds the run. */
  tryAcquire(runId: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/** Embedded mode: one process owns the database, so a set in memory is the whole truth. */
export class ProcessRunLocks implements RunLocks {
  private readonly held = new Set<string>();

  tryAcquire(runId: string): Promise<(() => Promise<void>) | null> {
    if (this.held.has(runId)) return Promise.resolve(null);
    this.held.add(runId);
    return Promise.resolve(async () => {
      this.held.delete(runId);
    });
  }

  close(): Promise<void> {
    this.held.clear();
    return Promise.resolve();
  }
}

/**
 * PostgreSQL mode: session advisory locks on one dedicated connection. PostgreSQL drops them as
 * soon as a killed worker's connection closes, so a dead worker never blocks the retry of its job.
 * Advisory locks are re-entrant within a session, so the in-process set guards this process.
 */
export class AdvisoryRunLocks implements RunLocks {
  private readonly local = new ProcessRunLocks();
  /** The last query: one client runs one query at a time, and worker slots ask at once. */
  private last: Promise<unknown> = Promise.resolve();

  private constructor(private readonly client: pg.Client) {}

  private query<Row extends pg.QueryResultRow>(text: string, values: unknown[]) {
    const result = this.last.then(() => this.client.query<Row>(text, values));
    this.last = result.catch(() => {});
    return result;
  }

  static async connect(connectionString: string): Promise<AdvisoryRunLocks> {
    const client = new pg.Client({ connectionString, application_name: 'latent-lab-run-locks' });
    await client.connect();
    return new AdvisoryRunLocks(client);
  }

  async tryAcquire(runId: string): Promise<(() => Promise<void>) | null> {
    const releaseLocal = await this.local.tryAcquire(runId);
    if (!releaseLocal) return null;
    const { rows } = await this.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('latent-lab-run'), hashtext($1)) AS locked",
      [runId],
    );
    if (!rows[0]?.locked) {
      await releaseLocal();
      return null;
    }
    return async () => {
      await this.query("SELECT pg_advisory_unlock(hashtext('latent-lab-run'), hashtext($1))", [
        runId,
      ]);
      await releaseLocal();
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.client.end();
  }
}
