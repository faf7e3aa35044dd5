import { DurableObject } from "cloudflare:workers";
import { DatabaseHandle } from "../src/db/client";
import { runtimeConfig } from "../src/env";
import type { ReleaseCommand, ReleaseCommandOutcome } from "../src/releases/command";
import { executeReleaseCommand } from "../src/releases/execute-command";

/** A connection no command has used for this long is closed; the next command opens another. */
const IDLE_CONNECTION_MS = 10_000;

/**
 * One per release: the single serial writer for its state. A Durable Object
 * lets calls interleave while one awaits Postgres, so commands wait in an
 * explicit queue and run one at a time. Nothing is kept in storage: each
 * command commits in Postgres before it answers, so an eviction or reset
 * loses no accepted decision, and the Idempotency-Key stops a retried one
 * from applying twice. No personal data ever lives here.
 *
 * The object keeps its Postgres connection between commands (a Durable Object, unlike a stateless
 * Worker, may use an I/O object across the requests it serves): a burst of decisions pays the
 * connection start-up once, not per command. A connection that fails is dropped by the handle and
 * the next command opens a new one; an idle one is closed after IDLE_CONNECTION_MS.
 */
export class ReleaseCoordinator extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private database: DatabaseHandle | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  async execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome> {
    const run = this.tail.then(() => this.apply(command));
    this.queued++;
    this.tail = run.catch(() => undefined).finally(() => this.queued--);
    return run;
  }

  /** How many commands are waiting or running; for tests and diagnostics. */
  async queueLength(): Promise<number> {
    return this.queued;
  }

  private async apply(command: ReleaseCommand): Promise<ReleaseCommandOutcome> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    try {
      return await executeReleaseCommand(this.connection(), command);
    } finally {
      this.idleTimer = setTimeout(() => this.closeIdleConnection(), IDLE_CONNECTION_MS);
    }
  }

  private connection(): DatabaseHandle {
    if (!this.database) {
      const config = runtimeConfig(this.env);
      this.database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
    }
    return this.database;
  }

  private closeIdleConnection() {
    if (this.queued > 0) return;
    const database = this.database;
    this.database = undefined;
    void database?.end();
  }
}
