import { DurableObject } from "cloudflare:workers";
import { keptDatabaseHandle, WarmDatabase } from "../src/db/warm-database";
import type { ReleaseCommand, ReleaseCommandOutcome } from "../src/releases/command";
import { executeReleaseCommands, failedOutcome } from "../src/releases/execute-command";

/** A connection no command has used for this long is closed; the next command opens another. */
const IDLE_CONNECTION_MS = 10_000;
/**
 * A transaction of commands not finished by then is answered `503 database_unavailable` (retry with
 * the same Idempotency-Key) and the object's connections are replaced: a connection that stopped
 * answering must not freeze the release's decisions. A healthy transaction takes milliseconds.
 */
const TRANSACTION_LIMIT_MS = 15_000;
/**
 * At most this many waiting commands share one transaction. Each runs in a savepoint, and Postgres
 * keeps the first 64 subtransactions of a transaction in shared memory; past that every snapshot
 * of every session gets slower.
 */
const MAX_COMMANDS_PER_TRANSACTION = 32;

interface WaitingCommand {
  command: ReleaseCommand;
  resolve(outcome: ReleaseCommandOutcome): void;
}

/**
 * One per release: the single serial writer for its state. A Durable Object lets calls interleave
 * while one awaits Postgres, so commands wait in an explicit queue and are applied in arrival order,
 * never two transactions at once. The commands that arrived while one transaction ran are applied
 * together in the next (group commit): one row lock, one BEGIN and one COMMIT for all of them, each
 * command in its own savepoint with its own outcome (executeReleaseCommands). Nothing is kept in
 * storage: every command is answered only after its transaction committed in Postgres, so an
 * eviction or reset loses no accepted decision, and the Idempotency-Key stops a retried one from
 * applying twice. No personal data ever lives here.
 *
 * The object keeps its Postgres connection between transactions (WarmDatabase): a burst of
 * decisions pays the connection start-up once, not per command. A connection that fails is dropped
 * by the handle and the next transaction opens a new one; an idle one is closed after
 * IDLE_CONNECTION_MS; one that stops answering is closed after TRANSACTION_LIMIT_MS.
 */
export class ReleaseCoordinator extends DurableObject<Env> {
  private readonly waiting: WaitingCommand[] = [];
  /** Commands in the transaction being applied. */
  private applying = 0;
  private draining = false;
  private readonly database = new WarmDatabase(() => keptDatabaseHandle(this.env, 2), {
    idleMs: IDLE_CONNECTION_MS,
    callLimitMs: TRANSACTION_LIMIT_MS,
  });

  execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome> {
    return new Promise((resolve) => {
      this.waiting.push({ command, resolve });
      if (!this.draining) void this.drain();
    });
  }

  /** How many commands are waiting or being applied; for tests and diagnostics. */
  async queueLength(): Promise<number> {
    return this.waiting.length + this.applying;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        // Every command here is for this object's release: its name is the tenant and the release.
        const batch = this.waiting.splice(0, MAX_COMMANDS_PER_TRANSACTION);
        this.applying = batch.length;
        try {
          const outcomes = await this.database.use((database) =>
            executeReleaseCommands(
              database,
              batch.map(({ command }) => command),
            ),
          );
          for (const [index, waiting] of batch.entries()) {
            waiting.resolve(outcomes[index] as ReleaseCommandOutcome);
          }
        } catch (error) {
          // The transaction overran its limit (or the handle could not be opened): every command
          // of it gets that failure, and the next transaction runs on new connections.
          const failure = failedOutcome(error);
          for (const waiting of batch) waiting.resolve(failure);
        } finally {
          this.applying = 0;
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
