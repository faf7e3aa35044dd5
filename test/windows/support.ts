import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type SQL, sql } from "drizzle-orm";
import { expect } from "vitest";
import { inSystemScope } from "../../src/db/scope";
import worker from "../../workers/index";
import { api } from "../support/api";
import { withDatabase } from "../support/database";
import type { SeededAgency } from "../support/harness";

/** Runs the Worker's scheduled handler as the cron trigger would, at a chosen instant. */
export async function tick(at: Date): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env);
}

/** Reads with the system role (as the cron does), for assertions on rows no route shows. */
export function systemQuery<T>(query: SQL): Promise<T[]> {
  return withDatabase((handle) => inSystemScope(handle, async (tx) => (await tx.execute(query)).rows as T[]));
}

export interface OccurrenceRow {
  occurrence_key: string;
  starts_at: string;
  ends_at: string;
  opened_at: string;
  closed_at: string | null;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export function occurrenceRows(windowId: string): Promise<OccurrenceRow[]> {
  return systemQuery<OccurrenceRow>(sql`
    select occurrence_key, ${iso("starts_at")} as starts_at, ${iso("ends_at")} as ends_at,
      ${iso("opened_at")} as opened_at, ${iso("closed_at")} as closed_at
    from window_occurrences where window_id = ${windowId} order by starts_at`);
}

/** A local wall-clock "YYYY-MM-DDTHH:MM" in `timezone` for an instant. */
export function localWallClock(timezone: string, at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export async function createWindow(agency: SeededAgency, body: Record<string, unknown>, token?: string) {
  const res = await api("/v1/windows", { token: token ?? agency.tokens.release_manager, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; next_occurrence: { starts_at: string; ends_at: string } | null };
}

export async function windowCount(agency: SeededAgency): Promise<number> {
  const res = await api("/v1/windows?limit=200", { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items.length;
}
