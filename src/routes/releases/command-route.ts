import type { AppContext } from "../../app/context";
import { idempotencyRequest } from "../../app/request-scope";
import { ApiError } from "../../lib/problem";
import { kickOutbox } from "../../notifications/kick";
import { commandFailure, releaseCoordinator } from "../../releases/coordinator-client";
import type { ReleaseOperation } from "../../releases/operations";
import { etagOf } from "../../releases/present";
import { kickEndpointDeliveries } from "../../webhooks/kick";

/**
 * Sends one state change of a release to its Durable Object and turns the
 * outcome into a response (or a problem). The credentials were verified by
 * the middleware; revocation and role are checked inside the command's
 * transaction.
 */
export async function sendReleaseCommand(c: AppContext, releaseId: string, operation: ReleaseOperation) {
  const claims = c.get("claims");
  if (!claims) throw new ApiError("unauthorized", "Send an API token as `Authorization: Bearer <token>`.");
  const outcome = await releaseCoordinator(c.env).execute({
    tenantId: claims.tenantId,
    releaseId,
    principal: { kind: "token", claims },
    requestId: c.get("requestId"),
    idempotency: c.req.method === "POST" ? await idempotencyRequest(c) : undefined,
    operation,
  });
  if (!outcome.ok) throw commandFailure(outcome.problem);
  if (outcome.replayed) c.header("Idempotent-Replayed", "true");
  if (outcome.queuedMessages) kickOutbox(c, releaseId);
  if (outcome.queuedWebhooks) kickEndpointDeliveries(c, claims.tenantId);
  if (outcome.rowVersion !== null) c.header("ETag", etagOf(outcome.rowVersion));
  return outcome;
}
