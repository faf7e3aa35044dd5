import type { AppContext } from "../app/context";
import { DatabaseHandle } from "../db/client";
import type { RuntimeConfig } from "../env";
import { publicBaseUrl } from "../lib/public-base-url";
import { type DeliverySettings, deliverDue } from "./deliver";

export function deliverySettings(config: RuntimeConfig): DeliverySettings {
  return {
    encryptionKey: config.DATA_ENCRYPTION_KEY,
    publicBaseUrl: publicBaseUrl(config),
    allowLoopback: config.WEBHOOKS_ALLOW_LOOPBACK === "true",
  };
}

/**
 * After a change queued release events, send them in waitUntil rather than at the next cron tick:
 * the response is out first, so a slow receiver never slows the API. Its own database handle (the
 * request's ends with the response). A failure here is harmless: the deliveries stay due and the
 * cron sends them.
 */
export function kickEndpointDeliveries(c: AppContext, tenantId: string): void {
  const config = c.get("config");
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  c.executionCtx.waitUntil(
    deliverDue(database, deliverySettings(config), { now: new Date(), tenantId })
      .catch(() => undefined)
      .finally(() => database.end()),
  );
}
