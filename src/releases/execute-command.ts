import { liveTokenRole, actorOf as memberActor, requireRole, tokenNoLongerValid } from "../app/actor";
import { describeError, toApiError } from "../app/errors";
import { oncePerKey } from "../app/idempotency";
import type { DatabaseHandle } from "../db/client";
import type { StatementQueue } from "../db/pipeline/statement-queue";
import { inTenantScope, type Tx } from "../db/scope";
import type { Actor } from "../domain/lifecycle";
import type { Role } from "../lib/auth/tokens";
import { ApiError, notFound } from "../lib/problem";
import type { ReleaseCommand, ReleaseCommandOutcome } from "./command";
import type { OperationContext } from "./operation-context";
import { OPERATION_ROLES } from "./operation-roles";
import { runOperation } from "./operations";
import { presentRelease } from "./present";
import { loadReleaseState } from "./release-state";

/**
 * The command's actor, checked in the same message as the command's first statement: a revoked
 * token or a role the operation does not allow withholds that statement's answer, and the
 * transaction is rolled back before anything it did is committed.
 */
function checkActorAhead(tx: Tx, pipeline: StatementQueue, command: ReleaseCommand): Promise<Actor> {
  const { principal, operation } = command;
  if (principal.kind === "system") return Promise.resolve({ kind: "system", name: principal.name });
  if (principal.kind === "approval_link") {
    // A link answers its own request and nothing else.
    if (operation.name !== "answer_approval_request") {
      return Promise.reject(new ApiError("forbidden", "An approval link can only answer its request."));
    }
    return Promise.resolve({ kind: "contact", contact_id: principal.contactId });
  }
  const { sql: text, params } = liveTokenRole(tx, principal.claims).toSQL();
  return pipeline
    .sendAhead(text, params, ({ rows }) => {
      const row = rows[0] as { role: Role } | undefined;
      if (!row) throw tokenNoLongerValid();
      if (operation.name !== "lifecycle") {
        requireRole(
          memberActor(principal.claims, row.role),
          OPERATION_ROLES[operation.name],
          "Changing this release",
        );
      }
    })
    .then(({ rows }) => ({
      kind: "member",
      member_id: principal.claims.memberId,
      role: (rows[0] as { role: Role }).role,
    }));
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
  let queuedWebhooks = 0;
  try {
    const stored = await inTenantScope(database, command.tenantId, (tx, pipeline) => {
      const actorChecked = checkActorAhead(tx, pipeline, command);
      const applyOnce = () =>
        oncePerKey(tx, command.tenantId, command.idempotency, async () => {
          const state = await loadReleaseState(tx, command.tenantId, command.releaseId, true);
          if (!state) throw notFound("The release");
          const actor = await actorChecked;
          const ctx: OperationContext = {
            tx,
            statements: pipeline,
            tenantId: command.tenantId,
            actor,
            state,
            now,
            requestId: command.requestId,
            policy: state.policy,
          };
          const result = await runOperation(ctx, command.operation);
          queuedMessages = ctx.queuedMessages ?? 0;
          queuedWebhooks = ctx.queuedWebhooks ?? 0;
          const fresh = await loadReleaseState(tx, command.tenantId, command.releaseId);
          if (!fresh) throw notFound("The release");
          return { status: 200, body: { ...presentRelease(fresh, now), result: result ?? null } };
        });
      return pipeline.afterCheck(actorChecked, applyOnce);
    });
    const rowVersion = (stored.body as { row_version?: number } | null)?.row_version ?? null;
    return {
      ok: true,
      status: stored.status,
      body: stored.body,
      replayed: stored.replayed,
      rowVersion,
      ...(queuedMessages > 0 && !stored.replayed ? { queuedMessages } : {}),
      ...(queuedWebhooks > 0 && !stored.replayed ? { queuedWebhooks } : {}),
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
