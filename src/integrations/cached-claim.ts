import { type DatabaseHandle, databaseUnavailable } from "../db/client";
import {
  claimDeliveryIfCurrent,
  type DeliveryClaim,
  type ReceiverSnapshot,
} from "../db/repositories/integrations";
import { inTenantScope } from "../db/scope";
import { durableObjectUnavailabilityKind, isDurableObjectUnavailability } from "../lib/durable-object-errors";
import { ApiError } from "../lib/problem";

/**
 * Claims a delivery verified with a cached integration (`claimDeliveryIfCurrent`): the row's id
 * when it was claimed; undefined when it was claimed before or the integration changed since the
 * copy was taken, and the receiver takes its full path. Throws the 503 problem when Postgres
 * cannot be reached.
 */
export type CachedClaim = (claim: DeliveryClaim, snapshot: ReceiverSnapshot) => Promise<string | undefined>;

/**
 * What the intake object answers; a problem does not survive the call, so unavailability is a value.
 * `busy`: the object has as many claims waiting as it takes, and the receiver claims on its own
 * connection instead.
 */
export type IntakeAnswer = { claimedId: string | null } | { databaseUnavailable: true } | { busy: true };

/**
 * The claim as one statement in its own transaction, on `database`'s connection, as the tenant:
 * row-level security holds the row to the tenant the cached integration belongs to.
 */
export function claimWith(database: DatabaseHandle): CachedClaim {
  return (claim, snapshot) =>
    inTenantScope(database, claim.tenantId, (tx) => claimDeliveryIfCurrent(tx, claim, snapshot), {
      autocommit: true,
    });
}

/**
 * The intake object's side: the outcome of a claim it made (on its warm connection) as a value,
 * Postgres unreachable or unanswering included.
 */
export async function answerClaim(claimed: Promise<string | undefined>): Promise<IntakeAnswer> {
  try {
    return { claimedId: (await claimed) ?? null };
  } catch (error) {
    if (error instanceof ApiError && error.code === "database_unavailable")
      return { databaseUnavailable: true };
    throw error;
  }
}

/**
 * The claim sent to the integration's DeliveryIntake object, which makes it on a connection it
 * keeps open between deliveries: no connection start-up before the 202. When the platform cannot
 * reach the object (reset, overloaded), or the object is busy, the receiver's full path claims on
 * the request's own connection instead. Should the object have committed the claim just before it was reset, that
 * path answers the delivery as a redelivery (200), and the cron hands the recorded delivery to the
 * queue (REQUEUE_AFTER_MS): nothing is lost.
 */
export function claimOnIntakeObject(namespace: Env["DELIVERY_INTAKE"], requestId: string): CachedClaim {
  return async (claim, snapshot) => {
    const fullPath = (reason: string) => {
      console.warn(
        JSON.stringify({
          level: "warn",
          event: "webhook_intake_unavailable",
          reason,
          integration_id: snapshot.integrationId,
          request_id: requestId,
        }),
      );
      return undefined;
    };
    let answer: IntakeAnswer;
    try {
      const stub = namespace.get(namespace.idFromName(snapshot.integrationId));
      answer = await stub.claim(claim, snapshot);
    } catch (error) {
      if (!isDurableObjectUnavailability(error)) throw error;
      // A reset object may have committed the claim: then the cron hands the delivery over later.
      return fullPath(durableObjectUnavailabilityKind(error));
    }
    if ("busy" in answer) return fullPath("busy");
    if ("databaseUnavailable" in answer) throw databaseUnavailable();
    return answer.claimedId ?? undefined;
  };
}
