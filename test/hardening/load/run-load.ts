// npm run test:load — the load part of the hardening sweep.
//
// Starts the real stack on loopback (in-memory PGlite, or DATABASE_URL's
// server as it is — the WebSocket bridge and the real Worker), seeds
// agencies through the API, drives a mixed load of reads, release writes and
// signed CI deliveries with autocannon for LOAD_SECONDS, then checks the
// database: every accepted write present exactly once, nothing refused
// present, no gaps in any release's audit trail. Prints a table, writes
// bench-results/load-latest.json, and exits non-zero on any error (5xx,
// timeout, connection error, undocumented status) or integrity failure.
//
// LOAD_SEED replays the same request sequence; LOAD_SECONDS, LOAD_CONNECTIONS
// and LOAD_AGENCIES size the run (see settings.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { startBenchEnvironment } from "../../../scripts/lib/bench-env.ts";
import { renderTable } from "../../../scripts/lib/bench-report.ts";
import { connectScriptDatabase } from "../../../scripts/lib/database-connection.ts";
import { projectRoot } from "../../../scripts/lib/paths.ts";
import { driveLoad } from "./drive-load.ts";
import { captureBaseline, checkIntegrity, inSnapshot, waitForQuiet } from "./integrity.ts";
import { Ledger } from "./ledger.ts";
import { createPrng } from "./prng.ts";
import { reportRows, summarise } from "./report.ts";
import { MIX, RequestMix } from "./request-mix.ts";
import { seedLoadAgencies } from "./seed-load-agencies.ts";
import { loadSettings } from "./settings.ts";

/** How long processing may take to settle after the load (CI deliveries are processed after their 202). */
const QUIET_LIMIT_MS = 30_000;

const settings = loadSettings();
// Whatever hangs, the run stops: startup, the load, the settling and the checks have their bounds.
const RUN_LIMIT_MS = (settings.seconds + 180) * 1000;
const hardStop = setTimeout(() => {
  console.error(`load: still running after ${RUN_LIMIT_MS / 1000} s; giving up`);
  process.exit(1);
}, RUN_LIMIT_MS);
hardStop.unref();

const startedAt = new Date();
const clock = performance.now();
const elapsed = () => `${((performance.now() - clock) / 1000).toFixed(1)} s`;
console.log(
  `load: seed ${settings.seed}${settings.seedGiven ? " (LOAD_SEED)" : ""} — replay with LOAD_SEED=${settings.seed}`,
);
console.log("load: starting the database, the bridge and the Worker…");
const env = await startBenchEnvironment({ bareWorker: false });
let exitCode = 1;
try {
  console.log(`load: stack up (${env.database}) after ${elapsed()}; seeding ${settings.agencies} agencies…`);
  const agencies = await seedLoadAgencies(env.apiUrl, env.adminToken, settings.agencies, settings.seed);
  const database = await connectScriptDatabase(env.databaseUrl, env.bridge);
  try {
    const baseline = await inSnapshot(database.pool, (db) => captureBaseline(db, agencies));
    const ledger = new Ledger();
    const mix = new RequestMix(agencies, createPrng(settings.seed), settings.seed, ledger);
    console.log(
      `load: seeded after ${elapsed()}; ${settings.seconds} s of mixed load on ${settings.connections} connections…`,
    );
    const result = await driveLoad(mix, ledger, {
      apiUrl: env.apiUrl,
      seconds: settings.seconds,
      connections: settings.connections,
      timeoutSeconds: settings.timeoutSeconds,
    });
    const quiet = await waitForQuiet(database.pool, agencies, QUIET_LIMIT_MS);
    console.log(`load: settled ${(quiet.waitedMs / 1000).toFixed(1)} s after the load; checking integrity…`);
    const integrity = await inSnapshot(database.pool, (db) => checkIntegrity(db, agencies, ledger, baseline));
    const summary = summarise(ledger, result);

    // Every verdict of the run, failed or not: the closing line counts them.
    const verdicts: { name: string; problem: string | null }[] = [
      {
        name: "no errors",
        problem:
          summary.errorRate > 0
            ? `error rate ${(summary.errorRate * 100).toFixed(3)}%: ${summary.serverErrors} 5xx, ${summary.timeouts} timeouts, ${summary.connectionErrors} connection errors`
            : null,
      },
      {
        name: "every response recorded",
        problem:
          summary.served !== summary.servedByAutocannon
            ? `the ledger holds ${summary.served} answers, autocannon counted ${summary.servedByAutocannon}`
            : null,
      },
      {
        name: "only documented statuses",
        problem: summary.unexpected > 0 ? `${summary.unexpected} answers with an undocumented status` : null,
      },
      {
        name: "CI deliveries processed",
        problem:
          quiet.unprocessedDeliveries > 0
            ? `${quiet.unprocessedDeliveries} CI deliveries still unprocessed after ${QUIET_LIMIT_MS / 1000} s`
            : null,
      },
      ...integrity.checks.map((check) => ({
        name: check.name,
        problem: check.failures.length > 0 ? `${check.name}: ${check.failures.length} failures` : null,
      })),
    ];
    const problems = verdicts.flatMap((verdict) => (verdict.problem ? [verdict.problem] : []));

    const rows = reportRows(summary, integrity, settings);
    const report = {
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      database: env.database,
      settings: {
        seed: settings.seed,
        seconds: settings.seconds,
        connections: settings.connections,
        agencies: settings.agencies,
        timeout_seconds: settings.timeoutSeconds,
        mix: Object.fromEntries(MIX),
      },
      summary,
      settle: { waited_ms: Math.round(quiet.waitedMs), unprocessed_deliveries: quiet.unprocessedDeliveries },
      integrity: {
        in_doubt: integrity.inDoubt,
        tally: integrity.tally,
        checks: integrity.checks.map((check) => ({
          name: check.name,
          checked: check.checked,
          failures: check.failures.length,
          first_failures: check.failures.slice(0, 20),
        })),
      },
      verdicts: verdicts.map((verdict) => ({ name: verdict.name, passed: verdict.problem === null })),
      rows,
      problems,
    };
    const resultsDir = join(projectRoot, "bench-results");
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = join(resultsDir, "load-latest.json");
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

    console.log(
      `\nRelease Pilot load — ${env.database}; seed ${settings.seed}, ${settings.seconds} s, ${settings.connections} connections, ${settings.agencies} agencies\n`,
    );
    console.log(renderTable(rows));
    for (const sample of summary.samples) {
      console.error(`load: ${sample.kind} #${sample.n} answered ${sample.status}: ${sample.excerpt}`);
    }
    for (const check of integrity.checks) {
      for (const failure of check.failures.slice(0, 10)) console.error(`load: ${check.name}: ${failure}`);
      if (check.failures.length > 10)
        console.error(`load: ${check.name}: … ${check.failures.length - 10} more`);
    }
    console.log(`\nwritten to ${relative(projectRoot, resultsFile)} (whole run ${elapsed()})`);
    if (problems.length > 0) {
      console.error(
        `\nload: FAILED (replay with LOAD_SEED=${settings.seed}):\n  - ${problems.join("\n  - ")}`,
      );
    } else {
      console.log("load: no errors, every accepted write present exactly once");
      exitCode = 0;
    }
    console.log(`load: ${verdicts.length - problems.length} passed, ${problems.length} failed`);
    const checked = integrity.checks.reduce((sum, check) => sum + check.checked, 0);
    const integrityFailures = integrity.checks.reduce((sum, check) => sum + check.failures.length, 0);
    console.log(
      `[hardening] load (${settings.seconds} s, ${settings.connections} connections, seed ${settings.seed}): ${summary.served} requests served (${summary.requestsPerSecond.toFixed(1)}/s), 2xx ${summary.byStatusClass["2xx"]}, documented 409 ${summary.refused}, 5xx ${summary.serverErrors}, timeouts ${summary.timeouts}, error rate ${(summary.errorRate * 100).toFixed(2)} %, p50 / p99 ${Math.round(summary.latencyMs.p50)} / ${Math.round(summary.latencyMs.p99)} ms; integrity: ${integrity.checks.length} checks over ${checked} items, ${integrityFailures} failures`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  console.error("load: the run failed:", error);
} finally {
  await env.close();
}
process.exit(exitCode);
