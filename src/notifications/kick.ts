import type { AppContext } from "../app/context";
import { DatabaseHandle } from "../db/client";
import { drainOutbox } from "./send";
import { emailSettings } from "./settings";

/**
 * After a command queued stakeholder messages, send them right away in
 * waitUntil instead of waiting for the next cron tick. Its own database handle:
 * the request's is ended once the response is out. A failure here is harmless —
 * the messages stay due and the cron sends them.
 */
export function kickOutbox(c: AppContext, releaseId: string): void {
  const config = c.get("config");
  if (!config.RESEND_API_KEY) return;
  const settings = emailSettings(config);
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  c.executionCtx.waitUntil(
    drainOutbox(database, settings, { now: new Date(), releaseId })
      .catch(() => undefined)
      .finally(() => database.end()),
  );
}
