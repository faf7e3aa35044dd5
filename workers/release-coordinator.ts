import { DurableObject } from "cloudflare:workers";
import { DatabaseHandle } from "../src/db/client";
import { runtimeConfig } from "../src/env";
import type { ReleaseCommand, ReleaseCommandOutcome } from "../src/releases/command";
import { executeReleaseCommand } from "../src/releases/execute-command";

/**
 * One per release: the single serial writer for its state. A Durable Object
 * lets calls interleave while one awaits Postgres, so commands wait in an
 * explicit queue and run one at a time. Nothing is kept in storage: each
 * command commits in Postgres before it answers, so an eviction or reset
 * loses no accepted decision, and the Idempotency-Key stops a retried one
 * from applying twice. No personal data ever lives here.
 */
export class ReleaseCoordinator extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

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
    const config = runtimeConfig(this.env);
    const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
    try {
      return await executeReleaseCommand(database, command);
    } finally {
      await database.end();
    }
  }
}
