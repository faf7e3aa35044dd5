import { liveTokenRole, actorOf as memberActor, requireRole, tokenNoLongerValid } from "../app/actor";
import { describeError, toApiError } from "../app/errors";
import { oncePerKey } from "../app/idempotency";
import type { DatabaseHandle } from "../db/client";
import type { StatementQueue } from "../db/pipeline/statement-queue";
import { inTenantScope, type Tx } from "../db/scope";
import type { Actor } from "../domain/lifecycle";
import type { Role } from "../lib/auth/tokens";
import { ApiError, notFound } from "../lib/problem";
import type { Principal, ReleaseCommand, ReleaseCommandOutcome } from "./command";
import type { OperationContext } from "./operation-context";
import { OPERATION_ROLES } from "./operation-roles";
import { runOperation } from "./operations";
import { presentRelease } from "./present";
import { loadReleaseState, type ReleaseState } from "./release-state";

/** Each command's writes sit in a savepoint, kept when it succeeds and undone when it fails. */
const SAVEPOINT = "release_command";

/** Applies one command in its own transaction; see executeReleaseCommands. */
export async function executeReleaseCommand(
  database: DatabaseHandle,
  command: ReleaseCommand,
  clock: () => Date = () => new Date(),
): Promise<ReleaseCommandOutcome> {
  const [outcome] = await executeReleaseCommands(database, [command], clock);
  return outcome as ReleaseCommandOutcome;
}

/**
 * Applies commands to one release in one tenant transaction, in order, each in a savepoint so each
 * keeps its own outcome: a refused or failing command undoes only its own writes. The release row
 * is locked once for all of them and the state each command leaves is the next one's, so a command
 * pays for its own writes and the state it answers with, not for BEGIN, COMMIT and a locking read.
 * Nothing is answered before the COMMIT: if it fails, or the connection does, every command is
 * answered with that failure (nothing was applied; the Idempotency-Key makes the retry safe).
 * Returns plain outcomes because they cross RPC.
 */
export async function executeReleaseCommands(
  database: DatabaseHandle,
  commands: readonly ReleaseCommand[],
  clock: () => Date = () => new Date(),
): Promise<ReleaseCommandOutcome[]> {
  const first = commands[0];
  if (!first) return [];
  const mixed = commands.find((c) => c.tenantId !== first.tenantId || c.releaseId !== first.releaseId);
  if (mixed) throw new Error("executeReleaseCommands: every command must be for the same release");
  try {
    return await inTenantScope(database, first.tenantId, async (tx, pipeline) => {
      const batch = new CommandBatch(tx, pipeline, first.tenantId, first.releaseId);
      const outcomes: ReleaseCommandOutcome[] = [];
      for (const command of commands) outcomes.push(await batch.apply(command, clock()));
      return outcomes;
    });
  } catch (error) {
    const failure = failedOutcome(error);
    return commands.map(() => failure);
  }
}

/** A command's result before the transaction commits. */
type Settled =
  | { ok: true; status: number; body: unknown; replayed: boolean; counts: QueuedCounts }
  | { ok: false; error: unknown };

interface QueuedCounts {
  queuedMessages: number;
  queuedWebhooks: number;
}

class CommandBatch {
  /** The release as the last applied command left it (locked); undefined until first needed. */
  private state: Promise<ReleaseState | undefined> | undefined;
  /** The last command's clock time; each later one is at least a millisecond after it. */
  private lastClock = 0;
  /** Each member token's liveness and role, asked once per transaction however many commands it sent. */
  private readonly tokenChecks = new Map<string, Promise<{ role: Role }>>();

  constructor(
    private readonly tx: Tx,
    private readonly pipeline: StatementQueue,
    private readonly tenantId: string,
    private readonly releaseId: string,
  ) {}

  async apply(command: ReleaseCommand, clock: Date): Promise<ReleaseCommandOutcome> {
    // Commands one round trip apart can read the same millisecond (the Workers clock moves on I/O),
    // and facts recorded at equal times (test results, sign-offs) would then order by chance.
    this.lastClock = Math.max(clock.getTime(), this.lastClock + 1);
    const now =
      command.principal.kind === "system" && command.scheduledAt
        ? new Date(command.scheduledAt)
        : new Date(this.lastClock);
    const takeBackSavepoint = this.pipeline.sendWithNext(`savepoint ${SAVEPOINT}`, []);
    const lockedBefore = this.state !== undefined;
    const actorChecked = this.checkActor(command);
    actorChecked.catch(() => undefined);
    let fresh: ReleaseState | undefined;
    const counts: QueuedCounts = { queuedMessages: 0, queuedWebhooks: 0 };
    let settled: Settled;
    try {
      const stored = await oncePerKey(this.tx, this.tenantId, command.idempotency, async () => {
        const state = await this.currentState();
        if (!state) throw notFound("The release");
        // The check left with the state's read, or with an earlier command; else it leaves now.
        await this.pipeline.flush();
        const actor = await actorChecked;
        const ctx: OperationContext = {
          tx: this.tx,
          statements: this.pipeline,
          tenantId: this.tenantId,
          actor,
          state,
          now,
          requestId: command.requestId,
          policy: state.policy,
          announcements: [],
        };
        const result = await runOperation(ctx, command.operation);
        // The writes sent ahead travel with this read, and it sees them.
        fresh = await loadReleaseState(this.tx, this.tenantId, this.releaseId, false, this.pipeline);
        if (!fresh) throw notFound("The release");
        counts.queuedMessages = ctx.queuedMessages ?? 0;
        for (const queued of await Promise.all(ctx.announcements)) counts.queuedWebhooks += queued;
        return { status: 200, body: { ...presentRelease(fresh, now), result: result ?? null } };
      });
      settled = { ok: true, ...stored, counts };
    } catch (error) {
      settled = { ok: false, error };
    }
    // The actor's verdict wins over whatever the command answered or threw; a command that failed
    // before sending anything sends its check now (flush never sends the savepoint statements alone).
    await this.pipeline.flush();
    try {
      await actorChecked;
    } catch (error) {
      settled = { ok: false, error };
    }
    if (takeBackSavepoint()) this.closeSavepoint(settled.ok);
    if (settled.ok) {
      if (fresh) this.state = Promise.resolve(fresh);
    } else if (!lockedBefore) {
      // Undoing the savepoint also released the row lock its first read took: read and lock again.
      this.state = undefined;
    }
    return outcomeOf(settled);
  }

  private currentState(): Promise<ReleaseState | undefined> {
    this.state ??= loadReleaseState(this.tx, this.tenantId, this.releaseId, true, this.pipeline);
    return this.state;
  }

  /**
   * Keeps or undoes the command's savepoint. The statements travel with the next one sent (the next
   * command's first, or the COMMIT), never alone; a failure rejects whatever is sent after them.
   */
  private closeSavepoint(keep: boolean): void {
    const statements = keep
      ? [`release savepoint ${SAVEPOINT}`]
      : [`rollback to savepoint ${SAVEPOINT}`, `release savepoint ${SAVEPOINT}`];
    for (const text of statements) this.pipeline.sendWithNext(text, []);
  }

  /**
   * The command's actor. A member's token is checked in the same message as the first statement
   * sent after it (once per token in the transaction): a revoked token withholds that message's
   * later answers, and a refused actor's writes are undone with its savepoint.
   */
  private checkActor(command: ReleaseCommand): Promise<Actor> {
    const { principal, operation } = command;
    if (principal.kind === "system") return Promise.resolve({ kind: "system", name: principal.name });
    if (principal.kind === "approval_link") {
      // A link answers its own request and nothing else.
      if (operation.name !== "answer_approval_request") {
        return Promise.reject(new ApiError("forbidden", "An approval link can only answer its request."));
      }
      return Promise.resolve({ kind: "contact", contact_id: principal.contactId });
    }
    const key = tokenKey(principal);
    let check = this.tokenChecks.get(key);
    if (!check) {
      const { text, values: params } = liveTokenRole(this.tx, principal.claims);
      check = this.pipeline
        .sendAhead(text, params, ({ rows }) => {
          if (!rows[0]) throw tokenNoLongerValid();
        })
        .then(({ rows }) => rows[0] as { role: Role });
      check.catch(() => undefined);
      this.tokenChecks.set(key, check);
    }
    return check.then(({ role }) => {
      if (operation.name !== "lifecycle") {
        requireRole(
          memberActor(principal.claims, role),
          OPERATION_ROLES[operation.name],
          "Changing this release",
        );
      }
      return { kind: "member", member_id: principal.claims.memberId, role };
    });
  }
}

function tokenKey(principal: Extract<Principal, { kind: "token" }>): string {
  const { tenantId, memberId, tokenId } = principal.claims;
  return `${tenantId}:${memberId}:${tokenId}`;
}

function outcomeOf(settled: Settled): ReleaseCommandOutcome {
  if (!settled.ok) return failedOutcome(settled.error);
  const { status, body, replayed, counts } = settled;
  const rowVersion = (body as { row_version?: number } | null)?.row_version ?? null;
  return {
    ok: true,
    status,
    body,
    replayed,
    rowVersion,
    ...(counts.queuedMessages > 0 && !replayed ? { queuedMessages: counts.queuedMessages } : {}),
    ...(counts.queuedWebhooks > 0 && !replayed ? { queuedWebhooks: counts.queuedWebhooks } : {}),
  };
}

/** A command's answer when it failed with `error` (a problem as a value: it crosses RPC). */
export function failedOutcome(error: unknown): ReleaseCommandOutcome {
  const apiError = toApiError(error);
  // The stack of an unexpected error is only here, inside the object: carry its description
  // back so the caller's log line says what was thrown and where.
  const unexpected = apiError.code === "internal" && !(error instanceof ApiError);
  return {
    ok: false,
    problem: {
      code: apiError.code,
      detail: apiError.detail,
      extras: apiError.extras,
      headers: apiError.headers,
      ...(unexpected ? { cause: describeError(error) } : {}),
    },
  };
}
