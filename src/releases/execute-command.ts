import { loadActor, requireRole } from "../app/actor";
import { describeError, toApiError } from "../app/errors";
import { oncePerKey } from "../app/idempotency";
import type { DatabaseHandle } from "../db/client";
import { inTenantScope, type Tx } from "../db/scope";
import type { Actor } from "../domain/lifecycle";
import { ApiError, notFound } from "../lib/problem";
import type { ReleaseCommand, ReleaseCommandOutcome } from "./command";
import type { OperationContext } from "./operation-context";
import { OPERATION_ROLES } from "./operation-roles";
import { runOperation } from "./operations";
import { presentRelease } from "./present";
import { loadReleaseState } from "./release-state";

async function actorOf(tx: Tx, command: ReleaseCommand): Promise<Actor> {
  if (command.principal.kind === "system") return { kind: "system", name: command.principal.name };
  const actor = await loadActor(tx, command.principal.claims);
  const { name } = command.operation;
  if (name !== "lifecycle") requireRole(actor, OPERATION_ROLES[name], "Changing this release");
  return { kind: "member", member_id: actor.memberId, role: actor.role };
}

/**
 * Applies one command in one tenant transaction: authenticate the actor, honour
 * the Idempotency-Key, lock the release row, run the operation, and answer with
 * the release as it now is. Any failure rolls everything back, outbox and
 * audit rows included. Returns a plain outcome because it crosses RPC.
 */
export async function executeReleaseCommand(
  database: DatabaseHandle,
  command: ReleaseCommand,
  clock: Date = new Date(),
): Promise<ReleaseCommandOutcome> {
  const now =
    command.principal.kind === "system" && command.scheduledAt ? new Date(command.scheduledAt) : clock;
  let queuedMessages = 0;
  try {
    const stored = await inTenantScope(database, command.tenantId, async (tx) => {
      const actor = await actorOf(tx, command);
      return oncePerKey(tx, command.tenantId, command.idempotency, async () => {
        const state = await loadReleaseState(tx, command.tenantId, command.releaseId, true);
        if (!state) throw notFound("The release");
        const ctx: OperationContext = {
          tx,
          tenantId: command.tenantId,
          actor,
          state,
          now,
          requestId: command.requestId,
          policy: state.policy,
        };
        const result = await runOperation(ctx, command.operation);
        queuedMessages = ctx.queuedMessages ?? 0;
        const fresh = await loadReleaseState(tx, command.tenantId, command.releaseId);
        if (!fresh) throw notFound("The release");
        return { status: 200, body: { ...presentRelease(fresh, now), result: result ?? null } };
      });
    });
    const rowVersion = (stored.body as { row_version?: number } | null)?.row_version ?? null;
    return {
      ok: true,
      status: stored.status,
      body: stored.body,
      replayed: stored.replayed,
      rowVersion,
      ...(queuedMessages > 0 && !stored.replayed ? { queuedMessages } : {}),
    };
  } catch (error) {
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
}
