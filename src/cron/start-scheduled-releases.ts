import { sql } from "drizzle-orm";
import { logUnexpected } from "../app/errors";
import type { DatabaseHandle } from "../db/client";
import { inSystemScope } from "../db/scope";
import { commandFailure, type ReleaseCoordinatorClient } from "../releases/coordinator-client";

export interface ScheduledReleaseReport {
  started: number;
  missed: number;
  refused: number;
}

interface DueRelease {
  tenant_id: string;
  id: string;
  window_ends_at: string;
}

/** At most this many releases per tick; the rest are picked up by the next tick. */
const BATCH = 200;

/**
 * Moves releases that were given go outside their window: when the window
 * opens they start deploying, and when it closed before they could, the go is
 * withdrawn (and the release manager must decide again). Each goes through
 * its release's Durable Object as the scheduler, so a tick that runs twice or
 * late changes nothing twice: the second `window_opened` finds the release no
 * longer scheduled and is refused.
 */
export async function startScheduledReleases(
  database: DatabaseHandle,
  coordinator: ReleaseCoordinatorClient,
  now: Date,
): Promise<ScheduledReleaseReport> {
  const due = await inSystemScope(database, async (tx) => {
    const result = await tx.execute(sql`
      select tenant_id, id, window_ends_at::text as window_ends_at
      from releases
      where status = 'scheduled' and window_starts_at <= ${now}
      order by window_starts_at
      limit ${BATCH}`);
    return result.rows as unknown as DueRelease[];
  });
  const report: ScheduledReleaseReport = { started: 0, missed: 0, refused: 0 };
  await Promise.all(
    due.map(async (release) => {
      const missed = new Date(release.window_ends_at) <= now;
      const requestId = `cron:${now.toISOString()}:${release.id}`;
      const outcome = await coordinator.execute({
        tenantId: release.tenant_id,
        releaseId: release.id,
        principal: { kind: "system", name: "scheduler" },
        requestId,
        scheduledAt: now.toISOString(),
        operation: {
          name: "lifecycle",
          input: missed ? { type: "window_missed" } : { type: "window_opened" },
        },
      });
      if (!outcome.ok) {
        report.refused++;
        if (outcome.problem.cause) logUnexpected(commandFailure(outcome.problem), requestId);
      } else if (missed) report.missed++;
      else report.started++;
    }),
  );
  return report;
}
