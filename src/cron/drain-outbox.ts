import type { DatabaseHandle } from "../db/client";
import { inSystemScope } from "../db/scope";
import type { RuntimeConfig } from "../env";
import { applyRetention, type RetentionReport } from "../notifications/retention";
import { type DrainReport, drainOutbox } from "../notifications/send";
import { emailSettings } from "../notifications/settings";

export interface OutboxTickReport {
  outbox: DrainReport;
  retention: RetentionReport;
}

/** The cron's email jobs: send what is due (retries included), then apply retention. */
export async function drainOutboxTick(
  database: DatabaseHandle,
  config: RuntimeConfig,
  now: Date,
): Promise<OutboxTickReport> {
  const outbox = await drainOutbox(database, emailSettings(config), { now });
  const retention = await inSystemScope(database, (tx) => applyRetention(tx, now));
  return { outbox, retention };
}
