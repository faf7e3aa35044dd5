import type { DatabaseHandle } from "../db/client";
import {
  claimDelivery,
  findDelivery,
  findDeliveryByPayload,
  findIntegrationForReceiver,
  type ReceiverSnapshot,
  reclaimDelivery,
  recordRejectedDelivery,
} from "../db/repositories/integrations";
import { webhookDeliveries } from "../db/schema";
import { inSystemScope } from "../db/scope";
import {
  type CiProvider,
  type DeploymentEvent,
  normaliseCiEvent,
  type StageMap,
  type TestResultEvent,
} from "../domain/ci-events";
import { sha256Hex } from "../lib/crypto";
import { uuidv7 } from "../lib/ids";
import { ApiError } from "../lib/problem";
import { rejectionHttpStatus, verifyDelivery } from "../lib/webhook-signatures";
import { parseJsonBody } from "../lib/webhook-signatures/json-body";
import { type CachedClaim, claimWith } from "./cached-claim";
import { safeProviderId, syntheticDeliveryKey } from "./delivery-keys";
import {
  type CachedReceiver,
  cachedReceiver,
  cachedSecrets,
  cacheReceiver,
  forgetReceiver,
} from "./receiver-cache";
import { acceptedSecrets } from "./secrets";

/** What processing needs besides the row's own ids; kept on the row until it is processed. */
export interface PendingJob {
  provider: CiProvider;
  event: TestResultEvent | DeploymentEvent;
  requestId: string;
}

/** Work left for after the 202: match the release and send the command through its Durable Object. */
export interface DeliveryJob {
  tenantId: string;
  integrationId: string;
  provider: CiProvider;
  /** webhook_deliveries.id of the claimed row. */
  deliveryRowId: string;
  event: TestResultEvent | DeploymentEvent;
  requestId: string;
}

export interface ReceiptBody {
  delivery_id: string;
  outcome: "received" | "ignored" | "duplicate";
  reason: string | null;
}

export type Receipt = { status: 200 | 202; body: ReceiptBody; job: DeliveryJob | null };

export interface IncomingDelivery {
  integrationId: string;
  headers: Headers;
  rawBody: Uint8Array;
  now: Date;
  requestId: string;
}

/** A delivery whose processing never finished (the isolate went away) may be taken again after this. */
const STALE_PROCESSING_MS = 10 * 60_000;
/** Rejected requests recorded per integration per minute; the rest are answered but not stored. */
const REJECTED_RECORDS_PER_MINUTE = 20;
const MAX_DELIVERY_ID_LENGTH = 255;
const MAX_EVENT_TYPE_LENGTH = 100;

const unknownIntegration = () =>
  new ApiError(
    "not_found",
    "No enabled CI integration has this id. Copy the receiver URL again from GET /v1/integrations/{id}.",
  );

type Verdict =
  | { kind: "receipt"; receipt: Receipt }
  | { kind: "refused"; error: ApiError }
  | { kind: "not_found" };

const FIELD_HINT: Record<string, string> = {
  missing_delivery_id: "The request has no delivery id header; the provider's webhook sends one.",
  missing_event_type:
    "The request does not say which event it carries (the event-type header or body `type`).",
  malformed_body:
    "The signature holds but the body lacks what this provider's scheme needs (CircleCI `id`, standard `type`).",
};

/**
 * Everything that happens before the answer: find the integration named in the URL, verify the
 * signature over the raw bytes with its secrets, parse and normalise (pure, microseconds), and
 * claim the delivery id under the unique constraint. Matching the release and changing it is left
 * to the processing queue after the response.
 *
 * With the integration cached in this isolate, that is one statement in one round trip (the claim,
 * which holds only if the integration is unchanged), made by `claimCached` (by default on this
 * request's connection; the receiver's route sends it to the integration's intake object);
 * otherwise, and for everything but a first claim (refusals, redeliveries), one system-scope
 * transaction that reads the integration afresh.
 */
export async function receiveDelivery(
  database: DatabaseHandle,
  encryptionKey: string,
  incoming: IncomingDelivery,
  claimCached: CachedClaim = claimWith(database),
): Promise<Receipt> {
  const cached = cachedReceiver(incoming.integrationId, incoming.now.getTime());
  if (cached) {
    const receipt = await receiveWithCachedIntegration(claimCached, cached, incoming);
    if (receipt) return receipt;
  }
  return receiveReadingIntegration(database, encryptionKey, incoming);
}

async function receiveWithCachedIntegration(
  claimCached: CachedClaim,
  cached: CachedReceiver,
  incoming: IncomingDelivery,
): Promise<Receipt | undefined> {
  const { headers, rawBody, now, requestId } = incoming;
  const { provider } = cached;
  const verified = await verifyDelivery(
    provider,
    headers,
    rawBody,
    cachedSecrets(cached, now),
    Math.floor(now.getTime() / 1000),
  );
  if (!verified.ok) {
    // Perhaps signed with a secret this copy predates: the full path reads it afresh and decides.
    forgetReceiver(cached.integrationId);
    return undefined;
  }
  if (verified.deliveryId.length > MAX_DELIVERY_ID_LENGTH) return undefined;
  const payload = parseJsonBody(rawBody);
  if (payload === undefined) return undefined;
  const event = normaliseCiEvent(provider, verified.eventType, payload, cached.stageMap as StageMap);
  if (event.kind === "malformed") return undefined;
  const ignored = event.kind === "ignored";
  const pendingJob: PendingJob | null = ignored ? null : { provider, event, requestId };
  const tenantId = cached.tenantId;
  const snapshot: ReceiverSnapshot = {
    integrationId: cached.integrationId,
    secretCiphertext: cached.secretCiphertext,
    previousSecretCiphertext: cached.previousSecretCiphertext,
    stageMap: cached.stageMap,
  };
  const claimedId = await claimCached(
    {
      id: uuidv7(now.getTime()),
      tenantId,
      deliveryId: verified.deliveryId,
      payloadSha256: provider === "standard" ? null : await sha256Hex(rawBody),
      eventType: verified.eventType.slice(0, MAX_EVENT_TYPE_LENGTH),
      outcome: ignored ? "ignored" : "received",
      reason: ignored ? event.reason : null,
      receivedAt: now,
      pendingJob,
    },
    // Only what the claim checks: the decrypted secrets never leave this isolate.
    snapshot,
  );
  // Claimed before (a redelivery or a replayed body), or the integration changed: the full path.
  if (claimedId === undefined) return undefined;
  return {
    status: 202,
    body: {
      delivery_id: verified.deliveryId,
      outcome: ignored ? "ignored" : "received",
      reason: ignored ? event.reason : null,
    },
    job: pendingJob
      ? { tenantId, integrationId: cached.integrationId, deliveryRowId: claimedId, ...pendingJob }
      : null,
  };
}

async function receiveReadingIntegration(
  database: DatabaseHandle,
  encryptionKey: string,
  incoming: IncomingDelivery,
): Promise<Receipt> {
  const { integrationId, headers, rawBody, now, requestId } = incoming;
  const verdict = await inSystemScope(database, async (tx): Promise<Verdict> => {
    const integration = await findIntegrationForReceiver(tx, integrationId);
    if (!integration || integration.disabledAt !== null) return { kind: "not_found" };
    const provider = integration.provider as CiProvider;

    const { secrets, unreadable } = await acceptedSecrets(encryptionKey, integration, now);
    if (unreadable.length > 0) {
      // A configuration fault on our side (DATA_ENCRYPTION_KEY changed?); ids only, never values.
      console.error(
        JSON.stringify({
          level: "error",
          event: "webhook_secret_unreadable",
          integration_id: integration.id,
          slots: unreadable,
          request_id: requestId,
        }),
      );
    }

    const verified = await verifyDelivery(
      provider,
      headers,
      rawBody,
      secrets,
      Math.floor(now.getTime() / 1000),
    );
    const base = { tenantId: integration.tenantId, integrationId: integration.id };
    if (verified.ok && unreadable.length === 0) {
      // Only an integration whose secrets all open, and only once a delivery verified with them.
      cacheReceiver({
        integrationId: integration.id,
        tenantId: integration.tenantId,
        provider,
        stageMap: integration.stageMap,
        secretCiphertext: integration.secretCiphertext,
        previousSecretCiphertext: integration.previousSecretCiphertext,
        previousSecretExpiresAt: integration.previousSecretExpiresAt,
        currentSecret: secrets[0] ?? null,
        // acceptedSecrets lists the previous secret only while it is live; once expired it stays so.
        previousSecret: secrets[1] ?? null,
        cachedAt: now.getTime(),
      });
    }
    if (!verified.ok) {
      const claimedId = claimedDeliveryId(provider, headers);
      if (rejectionHttpStatus(verified.reason) === 401) {
        await recordRejectedDelivery(
          tx,
          {
            id: uuidv7(now.getTime()),
            ...base,
            deliveryId: syntheticDeliveryKey("rejected", claimedId),
            reason: verified.reason,
          },
          REJECTED_RECORDS_PER_MINUTE,
        );
        return {
          kind: "refused",
          error: new ApiError("unauthorized", rejectionDetail(verified.reason), { reason: verified.reason }),
        };
      }
      const detail = FIELD_HINT[verified.reason] ?? "The delivery cannot be read.";
      await recordMalformed(tx, base, claimedId, null, `${verified.reason}: ${detail}`, now);
      return { kind: "refused", error: new ApiError("bad_request", detail, { reason: verified.reason }) };
    }

    const eventType = verified.eventType.slice(0, MAX_EVENT_TYPE_LENGTH);
    if (verified.deliveryId.length > MAX_DELIVERY_ID_LENGTH) {
      const detail = `The delivery id is longer than ${MAX_DELIVERY_ID_LENGTH} characters.`;
      await recordMalformed(tx, base, null, eventType, detail, now);
      return { kind: "refused", error: new ApiError("bad_request", detail) };
    }
    const payload = parseJsonBody(rawBody);
    if (payload === undefined) {
      const detail = "The body is not valid UTF-8 JSON.";
      await recordMalformed(tx, base, verified.deliveryId, eventType, detail, now);
      return { kind: "refused", error: new ApiError("malformed_json", detail) };
    }
    const event = normaliseCiEvent(provider, verified.eventType, payload, integration.stageMap as StageMap);
    if (event.kind === "malformed") {
      const detail = `The ${eventType} payload is missing what we need: ${event.problem}.`;
      await recordMalformed(tx, base, verified.deliveryId, eventType, event.problem, now);
      return { kind: "refused", error: new ApiError("bad_request", detail) };
    }

    const ignored = event.kind === "ignored";
    // GitHub, GitLab, Bitbucket and CircleCI authenticate the body alone: their delivery id is not
    // signed, so the body is the identity of what was signed. Standard Webhooks sign the id and a
    // timestamp with it (and the receiver refuses old timestamps): there the id already is.
    const payloadSha256 = provider === "standard" ? null : await sha256Hex(rawBody);
    const pendingJob: PendingJob | null = event.kind === "ignored" ? null : { provider, event, requestId };
    const claimed = await claimDelivery(tx, {
      id: uuidv7(now.getTime()),
      ...base,
      deliveryId: verified.deliveryId,
      payloadSha256,
      eventType,
      outcome: ignored ? "ignored" : "received",
      reason: ignored ? event.reason : null,
      receivedAt: now,
      processedAt: ignored ? now : null,
      pendingJob,
      queuedAt: pendingJob ? now : null,
    });
    const job = (id: string): DeliveryJob | null =>
      pendingJob ? { ...base, deliveryRowId: id, ...pendingJob } : null;

    if (claimed) {
      return {
        kind: "receipt",
        receipt: {
          status: 202,
          body: {
            delivery_id: verified.deliveryId,
            outcome: ignored ? "ignored" : "received",
            reason: ignored ? event.reason : null,
          },
          job: job(claimed.id),
        },
      };
    }

    // A redelivery. It is processed again only when the first processing failed or never
    // finished; the command's idempotency key (the row id) still stops a second effect.
    const existing = await findDelivery(tx, integration.id, verified.deliveryId);
    if (
      existing &&
      !ignored &&
      (await reclaimDelivery(tx, existing.id, new Date(now.getTime() - STALE_PROCESSING_MS), pendingJob))
    ) {
      return {
        kind: "receipt",
        receipt: {
          status: 202,
          body: {
            delivery_id: verified.deliveryId,
            outcome: "received",
            reason: "retrying an unfinished delivery",
          },
          job: job(existing.id),
        },
      };
    }
    // Not this delivery id, so the signed body itself was seen before under another id: a replay.
    const sameBody =
      existing || payloadSha256 === null
        ? undefined
        : await findDeliveryByPayload(tx, integration.id, payloadSha256);
    const reason = existing
      ? `Redelivery of a delivery first received ${existing.receivedAt.toISOString()} (outcome ${existing.outcome}); not applied again.`
      : sameBody
        ? `The same signed payload was already received as delivery ${sameBody.deliveryId} at ${sameBody.receivedAt.toISOString()} (outcome ${sameBody.outcome}); a body resent under a new delivery id is not applied again.`
        : "Redelivery of a delivery already received; not applied again.";
    await tx.insert(webhookDeliveries).values({
      id: uuidv7(now.getTime()),
      ...base,
      deliveryId: syntheticDeliveryKey("duplicate", verified.deliveryId),
      eventType,
      outcome: "duplicate",
      reason,
      receivedAt: now,
      processedAt: now,
    });
    return {
      kind: "receipt",
      receipt: {
        status: 200,
        body: { delivery_id: verified.deliveryId, outcome: "duplicate", reason },
        job: null,
      },
    };
  });

  if (verdict.kind === "not_found") throw unknownIntegration();
  if (verdict.kind === "refused") throw verdict.error;
  return verdict.receipt;
}

async function recordMalformed(
  tx: Parameters<typeof claimDelivery>[0],
  base: { tenantId: string; integrationId: string },
  providerId: string | null,
  eventType: string | null,
  reason: string,
  now: Date,
): Promise<void> {
  await tx.insert(webhookDeliveries).values({
    id: uuidv7(now.getTime()),
    ...base,
    deliveryId: syntheticDeliveryKey("malformed", providerId),
    eventType,
    outcome: "malformed",
    reason: reason.slice(0, 1000),
    receivedAt: now,
    processedAt: now,
  });
}

/**
 * The delivery id a refused request claims, for the debugging record only (it is unauthenticated,
 * so it is never used as the deduplication key, and kept only when it looks like an id).
 */
function claimedDeliveryId(provider: CiProvider, headers: Headers): string | null {
  const names: Record<CiProvider, string[]> = {
    github: ["X-GitHub-Delivery"],
    gitlab: ["webhook-id", "Idempotency-Key", "X-Gitlab-Event-UUID"],
    bitbucket: ["X-Request-UUID"],
    circleci: [],
    standard: ["webhook-id"],
  };
  for (const name of names[provider]) {
    const value = safeProviderId(headers.get(name));
    if (value) return value;
  }
  return null;
}

function rejectionDetail(reason: string): string {
  switch (reason) {
    case "missing_signature":
      return "The request is not signed. Set the webhook secret in your CI provider's settings.";
    case "stale_timestamp":
      return "The signed timestamp is more than 5 minutes from our clock; the request may be a replay.";
    case "missing_timestamp":
    case "invalid_timestamp":
      return "The signature scheme needs a valid webhook-timestamp header (Unix seconds).";
    case "no_secret_configured":
      return "This integration has no usable secret; rotate it with POST /v1/integrations/{id}/rotate-secret.";
    default:
      return "The signature does not match this integration's secret. Check the secret configured in your CI provider.";
  }
}
