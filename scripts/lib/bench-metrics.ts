// Delivery metrics for a busy agency: 10,000 releases over the last year, each deployed, one in ten
// rolled back, half with CI reports, seeded with set-based SQL through the script's own connection
// (not the API). Then GET /v1/metrics/dora over the whole year, and a client's monthly report,
// each beside the bare Worker's read of the same run: the ratio is what to compare between runs.
import { runClosedLoop } from "./bench-load.ts";
import type { BenchMeasurement, BenchRow } from "./bench-report.ts";
import { connectScriptDatabase } from "./database-connection.ts";
import type { SeededAgency } from "./seed-agency.ts";
import type { Bridge } from "./ws-bridge.ts";

export const METRICS_MEASUREMENT = "delivery metrics (an agency with 10,000 releases)";
const RELEASES = 10_000;

interface Context {
  env: { apiUrl: string; databaseUrl: string; bridge: Bridge };
  agency: SeededAgency;
  targets: { name: string; url: string; headers?: Record<string, string> }[];
}

async function seed(env: Context["env"], agency: SeededAgency): Promise<void> {
  const database = await connectScriptDatabase(env.databaseUrl, env.bridge);
  const client = await database.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', 'app_system', true)");
    // Releases created over the last year, a day or so before their deployment.
    await client.query(
      `insert into releases (id, tenant_id, project_id, version, title, risk, compliance, stage, status, created_at, updated_at)
       select gen_random_uuid(), $1, $2, 'bench-' || g, 'Bench release ' || g, 'low',
         '{"touches_pricing_promotions_or_claims":false,"touches_personal_data":false,"sends_commercial_email":false}'::jsonb,
         'closed', 'closed',
         now() - (g * interval '50 minutes') - interval '30 hours', now()
       from generate_series(1, $3) g`,
      [agency.tenantId, agency.projectId, RELEASES],
    );
    await client.query(
      `insert into deployment_log_entries (id, tenant_id, release_id, attempt, kind, source, created_at)
       select gen_random_uuid(), tenant_id, id, 1, 'deployment_completed', 'api', created_at + interval '30 hours'
       from releases where tenant_id = $1 and version like 'bench-%'`,
      [agency.tenantId],
    );
    await client.query(
      `insert into test_results (id, tenant_id, release_id, attempt, stage, suite, status, source, reported_at, created_at)
       select gen_random_uuid(), tenant_id, id, 1, 'staging', 'e2e', 'passed', 'ci', created_at + interval '2 hours', created_at + interval '2 hours'
       from releases where tenant_id = $1 and version like 'bench-%' and right(version, 1) in ('0', '2', '4', '6', '8')`,
      [agency.tenantId],
    );
    for (const [type, offset] of [
      ["rollback_started", "31 hours"],
      ["rollback_completed", "32 hours"],
    ]) {
      await client.query(
        `insert into release_events (id, tenant_id, release_id, attempt, type, actor, data, created_at)
         select gen_random_uuid(), tenant_id, id, 1, $2, '{"kind":"system","name":"ci"}'::jsonb,
           '{"trigger":"rollback_decision","rationale":"Bench rollback"}'::jsonb, created_at + $3::interval
         from releases where tenant_id = $1 and version like 'bench-%' and right(version, 1) = '7'`,
        [agency.tenantId, type, offset],
      );
    }
    await client.query("commit");
    await client.query("analyze releases, deployment_log_entries, test_results, release_events");
  } finally {
    client.release();
    await database.pool.end();
  }
}

export function metricsMeasurement(settings: {
  concurrency: number;
  requests: number;
}): BenchMeasurement<Context> {
  return {
    name: METRICS_MEASUREMENT,
    async run({ env, agency, targets }) {
      await seed(env, agency);
      const today = new Date();
      const yearAgo = new Date(today.getTime() - 364 * 86_400_000);
      const headers = { authorization: `Bearer ${agency.tokens.owner}` };
      const month = today.toISOString().slice(0, 7);
      const load = (url: string, extra?: Record<string, string>) =>
        runClosedLoop({
          url,
          headers: extra ?? {},
          // Whole-year aggregates are heavier than a read: a tenth of the requests keeps the run short.
          concurrency: settings.concurrency,
          requests: Math.max(50, Math.round(settings.requests / 10)),
          warmup: 20,
          timeoutMs: 30_000,
        });
      const bare = targets.find((target) => target.name === "bare");
      if (!bare) throw new Error("the bare target is missing");
      const results = {
        "dora, one year": await load(
          `${env.apiUrl}/v1/metrics/dora?from=${yearAgo.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`,
          headers,
        ),
        "client report, one month": await load(
          `${env.apiUrl}/v1/clients/${agency.clientId}/report?month=${month}`,
          headers,
        ),
        bare: await load(bare.url, bare.headers),
      };
      const rows: BenchRow[] = [];
      for (const [target, result] of Object.entries(results)) {
        rows.push(
          { measurement: METRICS_MEASUREMENT, target, metric: "p50", value: result.p50, unit: "ms" },
          { measurement: METRICS_MEASUREMENT, target, metric: "p99", value: result.p99, unit: "ms" },
          {
            measurement: METRICS_MEASUREMENT,
            target,
            metric: "errors",
            value: result.errors,
            unit: `of ${result.requests}`,
            ...(result.firstError ? { note: `first: ${result.firstError}` } : {}),
          },
        );
      }
      for (const target of ["dora, one year", "client report, one month"] as const) {
        rows.push({
          measurement: METRICS_MEASUREMENT,
          target: `${target} ÷ bare`,
          metric: "p50 ratio",
          value: results[target].p50 / results.bare.p50,
          unit: "×",
          note: `${RELEASES.toLocaleString("en-AU")} releases, ${settings.concurrency} closed loops`,
        });
      }
      return rows;
    },
  };
}
