import { DurableObject } from "cloudflare:workers";
import type { DeliveryClaim, ReceiverSnapshot } from "../src/db/repositories/integrations";
import { keptDatabaseHandle, WarmDatabase } from "../src/db/warm-database";
import { answerClaim, claimWith, type IntakeAnswer } from "../src/integrations/cached-claim";

/** A connection no delivery has used for this long is closed; the next delivery opens another. */
const IDLE_CONNECTION_MS = 10_000;
/**
 * A claim not answered by then is a 503 and its connections are replaced: the provider waits 10 s
 * at most (GitHub), and a retryable answer before that is better than its timeout.
 */
const CLAIM_LIMIT_MS = 8_000;
/** Connections the object may hold: claims run side by side, under the runtime's six per invocation. */
const CONNECTIONS = 4;
/**
 * Claims in progress (running or waiting for a connection) beyond which a delivery is answered
 * `busy` and the receiver claims on its own connection: a burst larger than the kept connections
 * serve promptly costs start-ups again rather than waiting here.
 */
const MAX_CLAIMS_IN_PROGRESS = 4 * CONNECTIONS;

/**
 * One per CI integration: claims the deliveries its receiver verified with a cached copy of the
 * integration, on Postgres connections it keeps between deliveries (WarmDatabase). A stateless
 * Worker opens a connection per request; here a burst of deliveries pays that start-up once, so a
 * CI system's 202 waits for one round trip. Each claim is one statement, its own transaction, run
 * as the integration's tenant, so claims run side by side; nothing is kept in storage, so an
 * eviction or reset loses nothing that was answered. No personal data lives here.
 */
export class DeliveryIntake extends DurableObject<Env> {
  private readonly database = new WarmDatabase(() => keptDatabaseHandle(this.env, CONNECTIONS), {
    idleMs: IDLE_CONNECTION_MS,
    callLimitMs: CLAIM_LIMIT_MS,
  });

  async claim(claim: DeliveryClaim, snapshot: ReceiverSnapshot): Promise<IntakeAnswer> {
    if (this.database.callsInProgress >= MAX_CLAIMS_IN_PROGRESS) return { busy: true };
    return answerClaim(this.database.use((database) => claimWith(database)(claim, snapshot)));
  }

  /** Whether the object keeps connections open now; for tests and diagnostics. */
  async holdsConnection(): Promise<boolean> {
    return this.database.isOpen;
  }

  /** Claims running or waiting for a connection now; for tests and diagnostics. */
  async claimsInProgress(): Promise<number> {
    return this.database.callsInProgress;
  }
}
