import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../db/client";
import type { RecurrenceJson } from "../db/schema";
import { inSystemScope } from "../db/scope";
import { type ExpandableWindow, expandWindow, nextOccurrence, type WindowKind } from "../domain/windows";

export interface WindowOccurrenceReport {
  /** Windows whose next occurrence was due and were handled this tick. */
  due_windows: number;
  /** Occurrences opened (started, not yet ended). */
  opened: number;
  /** Occurrences a missed tick caught up on that had already ended: recorded opened and closed at once. */
  recorded_closed: number;
  /** Open occurrences that ended and were closed. */
  closed: number;
  /**
   * Releases still `scheduled` for an occurrence that closed this tick. The scheduled-release job that runs
   * next withdraws their go through each release's Durable Object (window_missed); this job only reports
   * them, so nothing is done twice.
   */
  scheduled_releases_flagged: number;
  /** Windows whose stored definition no longer expands (should not happen; they are parked with next_* null). */
  invalid_windows: number;
}

/** Windows handled per tick; the rest stay due (next_starts_at <= now) and are picked up by the next tick. */
const WINDOW_BATCH = 500;
/** Occurrences closed per tick, likewise. */
const CLOSE_BATCH = 2_000;
/** A window not handled for longer than this (the cron was down) catches up only this far back. */
const CATCH_UP_DAYS = 7;
const DAY_MS = 86_400_000;

interface DueWindow {
  id: string;
  tenant_id: string;
  kind: WindowKind;
  name: string;
  start_local: string;
  duration_minutes: number;
  recurrence: RecurrenceJson | null;
  next_starts_at: string;
  timezone: string;
}

interface OccurrenceRow {
  tenant_id: string;
  window_id: string;
  occurrence_key: string;
  kind: string;
  starts_at: string;
  ends_at: string;
  ended: boolean;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The cron's window job. Set-based and driven by indexes on due times, so its cost follows what is due,
 * not the number of agencies:
 *
 * 1. Windows with next_starts_at <= now (deployment_windows_next_start_idx), locked with SKIP LOCKED so
 *    two overlapping ticks never handle the same window. Each is expanded from its next_starts_at to now:
 *    every occurrence that started in between gets a row (ON CONFLICT DO NOTHING on (window_id,
 *    occurrence_key), so a repeated tick inserts nothing); one that already ended (a missed tick) is
 *    recorded opened and closed at once, never as open. next_* moves to the first occurrence after now.
 * 2. Open occurrences with ends_at <= now (window_occurrences_open_idx) are closed.
 *
 * Four statements when windows are due, one when only occurrences end, whatever the number of agencies.
 */
export async function openWindowOccurrences(
  database: DatabaseHandle,
  now: Date,
): Promise<WindowOccurrenceReport> {
  const report: WindowOccurrenceReport = {
    due_windows: 0,
    opened: 0,
    recorded_closed: 0,
    closed: 0,
    scheduled_releases_flagged: 0,
    invalid_windows: 0,
  };
  const nowIso = now.toISOString();

  await inSystemScope(database, async (tx) => {
    const due = (
      await tx.execute(sql`
        select w.id, w.tenant_id, w.kind, w.name, w.start_local, w.duration_minutes, w.recurrence,
          ${iso("w.next_starts_at")} as next_starts_at,
          coalesce(w.timezone, c.timezone, t.timezone) as timezone
        from deployment_windows w
        join tenants t on t.id = w.tenant_id
        left join clients c on c.tenant_id = w.tenant_id and c.id = w.client_id
        where w.next_starts_at <= ${nowIso}::timestamptz
        order by w.next_starts_at
        limit ${WINDOW_BATCH}
        for update of w skip locked`)
    ).rows as unknown as DueWindow[];
    if (due.length === 0) return;
    report.due_windows = due.length;

    const occurrences: OccurrenceRow[] = [];
    const schedules: { id: string; next_starts_at: string | null; next_ends_at: string | null }[] = [];
    for (const row of due) {
      const window: ExpandableWindow = {
        id: row.id,
        kind: row.kind,
        name: row.name,
        timezone: row.timezone,
        start: row.start_local,
        duration_minutes: row.duration_minutes,
        recurrence: row.recurrence,
      };
      const dueFrom = Date.parse(row.next_starts_at);
      const floor = Math.max(dueFrom, now.getTime() - CATCH_UP_DAYS * DAY_MS);
      try {
        for (const o of expandWindow(window, new Date(floor), new Date(now.getTime() + 1))) {
          const start = Date.parse(o.starts_at);
          if (start < dueFrom || start > now.getTime()) continue;
          occurrences.push({
            tenant_id: row.tenant_id,
            window_id: row.id,
            occurrence_key: o.occurrence_key,
            kind: o.kind,
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            ended: Date.parse(o.ends_at) <= now.getTime(),
          });
        }
        const next = nextOccurrence(window, now, { includeInProgress: false });
        schedules.push({
          id: row.id,
          next_starts_at: next?.starts_at ?? null,
          next_ends_at: next?.ends_at ?? null,
        });
      } catch (error) {
        // A row that bypassed validation must not stall the batch: park it and say so.
        report.invalid_windows++;
        console.error(
          JSON.stringify({
            level: "error",
            event: "window_not_expandable",
            window_id: row.id,
            error: String(error),
          }),
        );
        schedules.push({ id: row.id, next_starts_at: null, next_ends_at: null });
      }
    }

    if (occurrences.length > 0) {
      const inserted = (
        await tx.execute(sql`
          with incoming as (
            select * from jsonb_to_recordset(${JSON.stringify(occurrences)}::jsonb) as v(
              tenant_id uuid, window_id uuid, occurrence_key text, kind text,
              starts_at timestamptz, ends_at timestamptz, ended boolean)
          ), inserted as (
            insert into window_occurrences (tenant_id, window_id, occurrence_key, kind, starts_at, ends_at, opened_at, closed_at)
            select tenant_id, window_id, occurrence_key, kind, starts_at, ends_at, ${nowIso}::timestamptz,
              case when ended then ${nowIso}::timestamptz end
            from incoming
            on conflict (window_id, occurrence_key) do nothing
            returning tenant_id, window_id, starts_at, ends_at, closed_at
          )
          select
            (select count(*) from inserted where closed_at is null)::int as opened,
            (select count(*) from inserted where closed_at is not null)::int as recorded_closed,
            (select count(*) from releases r join inserted i
               on r.tenant_id = i.tenant_id and r.window_source_id = i.window_id
              and r.window_starts_at >= i.starts_at and r.window_starts_at < i.ends_at
              where r.status = 'scheduled' and i.closed_at is not null)::int as flagged`)
      ).rows[0] as { opened: number; recorded_closed: number; flagged: number } | undefined;
      report.opened = inserted?.opened ?? 0;
      report.recorded_closed = inserted?.recorded_closed ?? 0;
      report.scheduled_releases_flagged += inserted?.flagged ?? 0;
    }

    await tx.execute(sql`
      update deployment_windows w
      set next_starts_at = v.next_starts_at, next_ends_at = v.next_ends_at
      from jsonb_to_recordset(${JSON.stringify(schedules)}::jsonb) as v(id uuid, next_starts_at timestamptz, next_ends_at timestamptz)
      where w.id = v.id`);
  });

  const closed = await inSystemScope(database, async (tx) => {
    const result = await tx.execute(sql`
      with closed as (
        update window_occurrences o set closed_at = ${nowIso}::timestamptz
        where o.id in (
          select id from window_occurrences
          where closed_at is null and ends_at <= ${nowIso}::timestamptz
          order by ends_at
          limit ${CLOSE_BATCH}
          for update skip locked)
        returning o.tenant_id, o.window_id, o.starts_at, o.ends_at
      )
      select
        (select count(*) from closed)::int as closed,
        (select count(*) from releases r join closed c
           on r.tenant_id = c.tenant_id and r.window_source_id = c.window_id
          and r.window_starts_at >= c.starts_at and r.window_starts_at < c.ends_at
          where r.status = 'scheduled')::int as flagged`);
    return result.rows[0] as { closed: number; flagged: number } | undefined;
  });
  report.closed = closed?.closed ?? 0;
  report.scheduled_releases_flagged += closed?.flagged ?? 0;
  return report;
}
