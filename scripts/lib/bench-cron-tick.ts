// The cron tick with many agencies: 10,000 agencies and 100,000 windows, of which a few hundred are due,
// seeded with set-based SQL through the script's own database connection (not the API), then one tick
// fired at the real Worker through the local scheduled-event endpoint. The bridge's frame counter gives
// the database round trips. The tick's cost should follow what is due, not the number of agencies.
import type { BenchRow } from "./bench-report.ts";
import { connectScriptDatabase } from "./database-connection.ts";
import type { Bridge } from "./ws-bridge.ts";

export const CRON_TICK_MEASUREMENT = "cron tick (10,000 agencies, 100,000 windows)";

const AGENCIES = 10_000;
const WINDOWS_PER_AGENCY = 10;
const DUE_WINDOWS = 300;
const ENDED_OCCURRENCES = 200;

interface Environment {
  apiUrl: string;
  databaseUrl: string;
  bridge: Bridge;
}

/** "YYYY-MM-DDTHH:MM" in Perth (no DST) for an instant. */
function perthWallClock(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);
}

async function seed(env: Environment, tickAt: number): Promise<void> {
  const database = await connectScriptDatabase(env.databaseUrl, env.bridge);
  const client = await database.pool.connect();
  const dueStart = tickAt - 60_000;
  try {
    await client.query("begin");
    await client.query("select set_config('role', 'app_system', true)");
    await client.query(
      `insert into tenants (id, slug, name, timezone, state)
       select gen_random_uuid(), 'bench-cron-' || g, 'Bench cron agency ' || g, 'Australia/Sydney', 'NSW'
       from generate_series(1, $1) g`,
      [AGENCIES],
    );
    // Every agency: ten weekly windows whose next occurrence is one to six days ahead (not due).
    await client.query(
      `insert into deployment_windows (id, tenant_id, kind, name, start_local, duration_minutes, recurrence,
         next_starts_at, next_ends_at)
       select gen_random_uuid(), t.id, 'maintenance', 'Weekly window ' || n, '2026-01-04T22:00', 120,
         '{"freq":"weekly","by_day":["SU"]}'::jsonb,
         to_timestamp($1 / 1000.0) + (1 + (n % 6)) * interval '1 day',
         to_timestamp($1 / 1000.0) + (1 + (n % 6)) * interval '1 day' + interval '2 hours'
       from tenants t cross join generate_series(1, $2) n
       where t.slug like 'bench-cron-%'`,
      [tickAt, WINDOWS_PER_AGENCY],
    );
    // A few hundred of them are due: one-off windows that started a minute before the tick, in Perth.
    await client.query(
      `update deployment_windows set timezone = 'Australia/Perth', start_local = $2, duration_minutes = 60,
         recurrence = null, next_starts_at = to_timestamp($1 / 1000.0), next_ends_at = to_timestamp($1 / 1000.0) + interval '1 hour'
       where id in (select id from deployment_windows order by random() limit $3)`,
      [dueStart, perthWallClock(dueStart), DUE_WINDOWS],
    );
    // And some occurrences opened earlier have just ended and must be closed.
    await client.query(
      `insert into window_occurrences (tenant_id, window_id, occurrence_key, kind, starts_at, ends_at, opened_at)
       select tenant_id, id, id || '@earlier', kind, to_timestamp($1 / 1000.0) - interval '2 hours',
         to_timestamp($1 / 1000.0) - interval '1 minute', to_timestamp($1 / 1000.0) - interval '2 hours'
       from deployment_windows where next_starts_at > to_timestamp($1 / 1000.0) order by random() limit $2`,
      [tickAt, ENDED_OCCURRENCES],
    );
    await client.query("commit");
    await client.query("analyze deployment_windows");
    await client.query("analyze window_occurrences");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
    await database.pool.end();
  }
}

async function fireTick(
  env: Environment,
  at: number,
): Promise<{ ms: number; frames: number; connections: number }> {
  await settle();
  env.bridge.resetStats();
  const started = performance.now();
  const response = await fetch(`${env.apiUrl}/cdn-cgi/local/scheduled?time=${at}&format=json`);
  const ms = performance.now() - started;
  const body = await response.text();
  if (!response.ok) throw new Error(`scheduled handler answered ${response.status}: ${body.slice(0, 200)}`);
  await settle();
  return { ms, frames: env.bridge.stats.framesToDatabase, connections: env.bridge.stats.connections };
}

async function countOccurrences(env: Environment, at: number) {
  const database = await connectScriptDatabase(env.databaseUrl, env.bridge);
  try {
    const result = await database.pool.query(
      `select count(*) filter (where opened_at = to_timestamp($1 / 1000.0) and closed_at is null)::int as opened,
              count(*) filter (where closed_at = to_timestamp($1 / 1000.0))::int as closed
       from window_occurrences`,
      [at],
    );
    return result.rows[0] as { opened: number; closed: number };
  } finally {
    await database.pool.end();
  }
}

export async function measureCronTick(env: Environment): Promise<BenchRow[]> {
  // A whole minute: window starts are minute-precise wall-clock times, so the due occurrences start exactly then.
  const tickAt = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
  const seedStarted = performance.now();
  await seed(env, tickAt);
  const seedMs = performance.now() - seedStarted;
  const idle = await fireTick(env, tickAt - 120_000); // nothing due yet
  const busy = await fireTick(env, tickAt);
  const counts = await countOccurrences(env, tickAt);
  const repeat = await fireTick(env, tickAt); // the same tick again: nothing left to do
  const row = (target: string, metric: string, value: number, unit: string, note?: string): BenchRow => ({
    measurement: CRON_TICK_MEASUREMENT,
    target,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  return [
    row(
      "seed",
      "set-based SQL",
      seedMs,
      "ms",
      `${AGENCIES} agencies, ${AGENCIES * WINDOWS_PER_AGENCY} windows`,
    ),
    row("tick, nothing due", "time", idle.ms, "ms", "whole scheduled() run incl. pool setup"),
    row("tick, nothing due", "frames to DB", idle.frames, "frames", `${idle.connections} connection(s)`),
    row(
      "tick, due work",
      "time",
      busy.ms,
      "ms",
      `${DUE_WINDOWS} windows due, ${ENDED_OCCURRENCES} occurrences ending`,
    ),
    row("tick, due work", "frames to DB", busy.frames, "frames", `${busy.connections} connection(s)`),
    row("tick, due work", "occurrences opened", counts.opened, "rows"),
    row("tick, due work", "occurrences closed", counts.closed, "rows"),
    row("tick, repeated", "time", repeat.ms, "ms", "same scheduled time again: changes nothing"),
    row("tick, repeated", "frames to DB", repeat.frames, "frames"),
  ];
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}
