// npm run bench — a report, not a test: numbers without thresholds.
//
// Starts a throwaway database + bridge, the real Worker and the bare Worker
// (bench/bare-worker.ts: the same query with nothing around it) side by side,
// seeds one agency through the API, runs each measurement below, prints a
// table and writes bench-results/latest.json. Every measurement returns rows;
// add new ones (decisions/s, cron tick time, webhooks/s) to MEASUREMENTS.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { addSpent, type CpuSpent, cpuRows, cpuSince, NO_CPU_SPENT } from "./lib/bench-cpu.ts";
import { CRON_TICK_MEASUREMENT, measureCronTick } from "./lib/bench-cron-tick.ts";
import { decisionMeasurement } from "./lib/bench-decisions.ts";
import { type BenchEnvironment, startBenchEnvironment } from "./lib/bench-env.ts";
import { type LoadResult, runInterleaved, runSequential } from "./lib/bench-load.ts";
import { metricsMeasurement } from "./lib/bench-metrics.ts";
import { busiestFunctions, type CpuProfile, startCpuProfile, writeCpuProfile } from "./lib/bench-profile.ts";
import { type BenchMeasurement, type BenchReport, type BenchRow, renderTable } from "./lib/bench-report.ts";
import { targetRows } from "./lib/bench-targets.ts";
import { webhookMeasurement } from "./lib/bench-webhooks.ts";
import { projectRoot } from "./lib/paths.ts";
import { type SeededAgency, seedAgency } from "./lib/seed-agency.ts";

const SETTINGS = {
  concurrency: envInt("BENCH_CONCURRENCY", 10),
  requests: envInt("BENCH_REQUESTS", 2_000),
  warmup: envInt("BENCH_WARMUP", 200),
  sequential: envInt("BENCH_SEQUENTIAL", 100),
  /** The reads of the API and of the bare Worker (with and without a limiter call) alternate in this many rounds (runInterleaved). */
  rounds: envInt("BENCH_ROUNDS", 4),
};
/** The API, the bare Worker, and the bare Worker with one rate-limit call. */
const READ_TARGETS = 3;
/**
 * Hard stop for the whole run, whatever hangs: ten minutes for the default settings, growing with
 * the requests asked for (BENCH_REQUESTS, BENCH_WARMUP, BENCH_SEQUENTIAL), at 50 ms per request.
 */
const RUN_LIMIT_MS = Math.max(
  10 * 60_000,
  (SETTINGS.requests + SETTINGS.warmup) * READ_TARGETS * 4 * 50 +
    SETTINGS.sequential * READ_TARGETS * 50 +
    5 * 60_000,
);

interface BenchContext {
  env: BenchEnvironment;
  agency: SeededAgency;
  targets: BenchTarget[];
}

interface BenchTarget {
  /** "bare + limiter": the bare read after one rate-limit call, as the API makes per request. */
  name: "api" | "bare" | "bare + limiter";
  url: string;
  headers?: Record<string, string>;
}

const PROJECT_LATENCY = "GET /v1/projects/{id} latency";
const PROJECT_ROUND_TRIPS = "GET /v1/projects/{id} DB round trips";

const MEASUREMENTS: BenchMeasurement<BenchContext>[] = [
  {
    name: PROJECT_LATENCY,
    async run({ env, targets }) {
      const rows: BenchRow[] = [];
      const spent = new Map<string, CpuSpent>();
      const results = await runInterleaved(
        targets.map((target) => ({
          name: target.name,
          url: target.url,
          ...(target.headers ? { headers: target.headers } : {}),
        })),
        { concurrency: SETTINGS.concurrency, requests: SETTINGS.requests, warmup: SETTINGS.warmup },
        SETTINGS.rounds,
        (target) => {
          const before = env.cpu.snapshot();
          return () =>
            spent.set(target, addSpent(spent.get(target) ?? NO_CPU_SPENT, cpuSince(env.cpu, before)));
        },
      );
      for (const target of targets) {
        const result = results.get(target.name);
        if (!result) continue;
        const row = (metric: string, value: number, unit: string, note?: string): BenchRow => ({
          measurement: PROJECT_LATENCY,
          target: target.name,
          metric,
          value,
          unit,
          ...(note ? { note } : {}),
        });
        rows.push(
          row("p50", result.p50, "ms"),
          row("p95", result.p95, "ms"),
          row("p99", result.p99, "ms"),
          row(
            "throughput",
            result.requestsPerSecond,
            "req/s",
            `${SETTINGS.concurrency} closed loops, ${SETTINGS.rounds} rounds alternating with the other target`,
          ),
          row(
            "errors",
            result.errors,
            `of ${result.requests}`,
            result.firstError ? `first: ${result.firstError}` : undefined,
          ),
          ...cpuRows(env.cpu, spent.get(target.name) ?? NO_CPU_SPENT, result.requests, {
            measurement: PROJECT_LATENCY,
            target: target.name,
            per: "request",
            worker: target.name === "api" ? "api" : "bare",
          }),
        );
      }
      const api = results.get("api");
      const bare = results.get("bare");
      const limited = results.get("bare + limiter");
      const ratio = (target: string, metric: string, value: number, note: string): BenchRow => ({
        measurement: PROJECT_LATENCY,
        target,
        metric,
        value,
        unit: "×",
        note,
      });
      if (api && bare) {
        rows.push(
          ratio(
            "api ÷ bare",
            "p50 overhead",
            api.p50 / bare.p50,
            "auth + transaction + RLS + framework vs the bare query",
          ),
          ratio("api ÷ bare", "p99 overhead", api.p99 / bare.p99, ""),
          ratio(
            "api ÷ bare",
            "throughput",
            api.requestsPerSecond / bare.requestsPerSecond,
            "below 1 means slower",
          ),
        );
      }
      // Not targets: where the gap goes. The API makes one rate-limit call per request; locally the
      // binding is miniflare's simulator (a Durable Object request inside workerd), in production
      // Cloudflare's counter on the same machine.
      /** p50 and throughput of `of` against `against`: not targets, only where the gap goes. */
      const comparison = (target: string, of: LoadResult, against: LoadResult, note: string) => [
        ratio(target, "p50 overhead", of.p50 / against.p50, note),
        ratio(target, "throughput", of.requestsPerSecond / against.requestsPerSecond, ""),
      ];
      if (limited && bare) {
        rows.push(
          ...comparison(
            "bare + limiter ÷ bare",
            limited,
            bare,
            "one local rate-limit call (miniflare's simulator), no target",
          ),
        );
      }
      if (api && limited) {
        rows.push(
          ...comparison(
            "api ÷ (bare + limiter)",
            api,
            limited,
            "the API's cost besides its limiter call, no target",
          ),
        );
      }
      return rows;
    },
  },
  {
    name: PROJECT_ROUND_TRIPS,
    async run({ env, targets }) {
      const rows: BenchRow[] = [];
      for (const target of targets) {
        await settle();
        env.bridge.resetStats();
        const ok = await runSequential(target.url, target.headers, SETTINGS.sequential);
        // The pool is ended after the response (waitUntil); let its goodbye land.
        await settle();
        const { framesToDatabase, connections } = env.bridge.stats;
        rows.push(
          {
            measurement: PROJECT_ROUND_TRIPS,
            target: target.name,
            metric: "frames to DB / request",
            value: framesToDatabase / SETTINGS.sequential,
            unit: "frames",
            note: "1 frame ≈ 1 protocol write ≈ 1 round trip; counts connection startup and the final Terminate",
          },
          {
            measurement: PROJECT_ROUND_TRIPS,
            target: target.name,
            metric: "connections / request",
            value: connections / SETTINGS.sequential,
            unit: "conns",
            note: `${SETTINGS.sequential} sequential requests, ${ok} answered 200`,
          },
        );
      }
      return rows;
    },
  },
  decisionMeasurement({ perRelease: envInt("BENCH_DECISIONS", 200), releases: 50 }),
  webhookMeasurement(SETTINGS),
  metricsMeasurement(SETTINGS),
  {
    name: CRON_TICK_MEASUREMENT,
    run: ({ env }) =>
      measureCronTick({ apiUrl: env.apiUrl, databaseUrl: env.databaseUrl, bridge: env.bridge }),
  },
  {
    name: "Worker bundle",
    async run() {
      const { gzipBytes, rawBytes, reported } = await bundleSize();
      return [
        {
          measurement: "Worker bundle",
          target: "bundle",
          metric: "gzip size",
          value: Math.round((gzipBytes / 1024) * 100) / 100,
          unit: "KiB",
          note: reported ?? "gzipped here with node:zlib",
        },
        {
          measurement: "Worker bundle",
          target: "bundle",
          metric: "raw size",
          value: Math.round((rawBytes / 1024) * 100) / 100,
          unit: "KiB",
          note: "wrangler deploy --dry-run output",
        },
      ];
    },
  },
];

/**
 * BENCH_ONLY picks measurements by a part of their name (comma-separated, any case), e.g.
 * `BENCH_ONLY=latency,decisions` while working on one path; the reads always run, since the
 * targets are ratios against the bare Worker's reads of the same run.
 */
function selected(measurement: BenchMeasurement<BenchContext>): boolean {
  const only = process.env.BENCH_ONLY?.toLowerCase().split(",").filter(Boolean);
  if (!only?.length || measurement.name === PROJECT_LATENCY) return true;
  return only.some((part) => measurement.name.toLowerCase().includes(part.trim()));
}

/** BENCH_PROFILE: writes the API Worker's profile of one measurement and prints its busiest functions. */
function reportProfile(dir: string, measurement: string, profile: CpuProfile): void {
  const file = writeCpuProfile(dir, measurement, profile);
  console.log(
    `bench: the API Worker's CPU profile of "${measurement}" is in ${relative(process.cwd(), file)}; busiest:`,
  );
  for (const { share, where } of busiestFunctions(profile, 12)) {
    console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${where}`);
  }
}

const hardStop = setTimeout(() => {
  console.error(`bench: still running after ${RUN_LIMIT_MS / 60_000} minutes; giving up`);
  process.exit(1);
}, RUN_LIMIT_MS);
hardStop.unref();

const startedAt = new Date();
// The machine is shared: the load average beside the figures says how busy it was.
const loadAtStart = loadavg();
const cpus = availableParallelism();
console.log("bench: starting the database, the bridge and both Workers…");
const profileDir = process.env.BENCH_PROFILE;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const env = await startBenchEnvironment({ profiling: Boolean(profileDir) });
const failures: BenchReport["failures"] = [];
const rows: BenchRow[] = [];
try {
  const agency = await seedAgency(env.apiUrl, env.adminToken, {
    slug: `bench-${Date.now().toString(36)}`,
    name: "Bench Agency",
    emailDomain: "bench-agency.example",
  });
  const context: BenchContext = {
    env,
    agency,
    targets: [
      {
        name: "api",
        url: `${env.apiUrl}/v1/projects/${agency.projectId}`,
        headers: { authorization: `Bearer ${agency.tokens.owner}` },
      },
      { name: "bare", url: `${env.bareUrl}/bare/tenants/${agency.tenantId}/projects/${agency.projectId}` },
      {
        name: "bare + limiter",
        url: `${env.bareUrl}/bare/limited/tenants/${agency.tenantId}/projects/${agency.projectId}`,
      },
    ],
  };
  for (const measurement of MEASUREMENTS.filter(selected)) {
    console.log(`bench: ${measurement.name}…`);
    try {
      const profile = profileDir && env.inspectorPort ? await startCpuProfile(env.inspectorPort) : undefined;
      try {
        rows.push(...(await measurement.run(context)));
      } finally {
        // Stopped even when the measurement fails, so the next one's profile starts afresh.
        if (profileDir && profile) reportProfile(profileDir, measurement.name, await profile.stop());
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`bench: ${measurement.name} failed: ${message}`);
      failures.push({ measurement: measurement.name, error: message });
    }
  }
} finally {
  await env.close();
}
rows.push(...targetRows(rows));

const report: BenchReport = {
  started_at: startedAt.toISOString(),
  finished_at: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  database: env.database,
  settings: { ...SETTINGS },
  load_average: { at_start: loadAtStart.map(round2), at_end: loadavg().map(round2) },
  rows,
  failures,
};
const resultsDir = join(projectRoot, "bench-results");
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, "latest.json");
writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

console.log(
  `\nRelease Pilot bench — ${report.database}; ${SETTINGS.requests} requests per target after ${SETTINGS.warmup} warm-up, ${SETTINGS.concurrency} concurrent\n`,
);
console.log(renderTable(rows));
console.log(
  `\nload average (1, 5, 15 min): ${report.load_average.at_start.join(", ")} at start, ${report.load_average.at_end.join(", ")} at end (${cpus} cores)`,
);
console.log(`\nwritten to ${relative(projectRoot, resultsFile)}`);
process.exit(failures.length > 0 ? 1 : 0);

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Bundles the Worker as a deploy would (offline) and measures it. */
async function bundleSize(): Promise<{ gzipBytes: number; rawBytes: number; reported?: string }> {
  const outdir = mkdtempSync(join(tmpdir(), "release-pilot-bundle-"));
  try {
    const output = await run(
      join(projectRoot, "node_modules", ".bin", "wrangler"),
      ["deploy", "--dry-run", "--outdir", outdir],
      120_000,
    );
    const files = listFiles(outdir).filter((file) => !file.endsWith(".map") && !file.endsWith("README.md"));
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const file of files) {
      const contents = readFileSync(file);
      rawBytes += contents.length;
      gzipBytes += gzipSync(contents, { level: 9 }).length;
    }
    // wrangler's own figure, e.g. "Total Upload: 812.34 KiB / gzip: 160.12 KiB".
    const line = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
    if (line) {
      return {
        gzipBytes: Number(line[2]) * 1024,
        rawBytes: Number(line[1]) * 1024,
        reported: `wrangler: ${line[0]}`,
      };
    }
    return { gzipBytes, rawBytes };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: projectRoot,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${args.join(" ")} exited ${code}: ${output.slice(-500)}`)),
    );
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
