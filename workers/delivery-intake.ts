import { DurableObject } from "cloudflare:workers";
import { DatabaseHandle } from "../src/db/client";
import type { DeliveryClaim, ReceiverSnapshot } from "../src/db/repositories/integrations";
import { WarmDatabase } from "../src/db/warm-database";
import { runtimeConfig } from "../src/env";
import { answerClaim, type IntakeAnswer } from "../src/integrations/cached-claim";

/** A connection no delivery has used for this long is closed; the next delivery opens another. */
const IDLE_CONNECTION_MS = 10_000;

/**
 * One per CI integration: claims the deliveries its receiver verified with a cached copy of the
 * integration, on a Postgres connection it keeps between deliveries (WarmDatabase). A stateless
 * Worker opens a connection per request; here a burst of deliveries pays that start-up once, so a
 * CI system's 202 waits for one round trip. Each claim is one statement, its own transaction, so
 * claims run side by side (the handle's pool holds two connections) and nothing is kept in
 * storage: an eviction or reset loses nothing that was answered. No personal data lives here.
 */
export class DeliveryIntake extends DurableObject<Env> {
  private readonly database = new WarmDatabase(() => {
    const config = runtimeConfig(this.env);
    return new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  }, IDLE_CONNECTION_MS);

  claim(claim: DeliveryClaim, snapshot: ReceiverSnapshot): Promise<IntakeAnswer> {
    return this.database.use((database) => answerClaim(database, claim, snapshot));
  }

  /** Whether the object keeps a connection open now; for tests and diagnostics. */
  async holdsConnection(): Promise<boolean> {
    return this.database.isOpen;
  }
}
