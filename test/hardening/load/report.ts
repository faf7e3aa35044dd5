// The figures of a load run: what was served, how fast, what failed, and the
// integrity checks; printed as the bench's table and written as JSON.
import type autocannon from "autocannon";
import { percentile } from "../../../scripts/lib/bench-load.ts";
import type { BenchRow } from "../../../scripts/lib/bench-report.ts";
import type { IntegrityReport } from "./integrity.ts";
import type { Ledger, LedgerEntry, RequestKind } from "./ledger.ts";
import type { LoadSettings } from "./settings.ts";

export interface LoadSummary {
  served: number;
  /** Responses autocannon counted; equal to `served` when every answer reached the ledger. */
  servedByAutocannon: number;
  byStatusClass: Record<"2xx" | "3xx" | "4xx" | "5xx", number>;
  byStatus: Record<string, number>;
  accepted: number;
  /** Documented refusals (409 for a decision the release's state rules out). */
  refused: number;
  /** Statuses not documented for the request sent. */
  unexpected: number;
  serverErrors: number;
  timeouts: number;
  connectionErrors: number;
  /** Sent but unanswered when the run stopped (not errors; the integrity check accounts for them). */
  inFlightAtStop: number;
  /** (5xx + timeouts + connection errors) ÷ (answered + timeouts + connection errors). */
  errorRate: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number };
  requestsPerSecond: number;
  bytesPerSecond: number;
  durationSeconds: number;
  byKind: Record<
    string,
    { sent: number; accepted: number; refused: number; other: number; p50: number; p99: number }
  >;
  /** The first few unexpected or failed answers, to start an investigation from. */
  samples: { kind: RequestKind; n: number; status: number; excerpt: string }[];
}

export function summarise(ledger: Ledger, result: autocannon.Result): LoadSummary {
  const entries = [...ledger.entries.values()];
  const answered = entries.filter((e) => e.response !== undefined);
  const byStatusClass = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
  const byStatus: Record<string, number> = {};
  for (const { response } of answered) {
    if (!response) continue;
    const statusClass = `${Math.floor(response.status / 100)}xx`;
    if (statusClass in byStatusClass) byStatusClass[statusClass as keyof typeof byStatusClass]++;
    byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
  }
  const count = (outcome: string) => answered.filter((e) => e.response?.outcome === outcome).length;
  const timeouts = result.timeouts;
  // autocannon's `errors` counts timeouts too.
  const connectionErrors = Math.max(0, result.errors - result.timeouts);
  const serverErrors = count("server_error");
  const failed = serverErrors + timeouts + connectionErrors;

  const byKind: LoadSummary["byKind"] = {};
  for (const [kind, group] of groupByKind(entries)) {
    const latencies = group
      .map((e) => e.response?.ms)
      .filter((ms): ms is number => ms !== undefined)
      .sort((a, b) => a - b);
    byKind[kind] = {
      sent: group.length,
      accepted: group.filter((e) => e.response?.outcome === "accepted").length,
      refused: group.filter((e) => e.response?.outcome === "refused").length,
      other: group.filter((e) => e.response && !["accepted", "refused"].includes(e.response.outcome)).length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  }

  return {
    served: answered.length,
    servedByAutocannon: result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"],
    byStatusClass,
    byStatus,
    accepted: count("accepted"),
    refused: count("refused"),
    unexpected: count("unexpected"),
    serverErrors,
    timeouts,
    connectionErrors,
    inFlightAtStop: entries.length - answered.length - timeouts,
    errorRate: failed / Math.max(1, answered.length + timeouts + connectionErrors),
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    requestsPerSecond: answered.length / result.duration,
    bytesPerSecond: result.throughput.average,
    durationSeconds: result.duration,
    byKind,
    samples: answered
      .filter((e) => e.response?.outcome === "unexpected" || e.response?.outcome === "server_error")
      .slice(0, 10)
      .map((e) => ({
        kind: e.request.kind,
        n: e.request.n,
        status: e.response?.status ?? 0,
        excerpt: e.response?.excerpt ?? "",
      })),
  };
}

const LOAD = "Mixed load (reads, decisions, webhooks)";
const KINDS = "Per request kind";
const INTEGRITY = "Integrity afterwards";

export function reportRows(
  summary: LoadSummary,
  integrity: IntegrityReport,
  settings: LoadSettings,
): BenchRow[] {
  const row = (
    measurement: string,
    target: string,
    metric: string,
    value: number,
    unit: string,
    note?: string,
  ) => ({ measurement, target, metric, value, unit, ...(note ? { note } : {}) }) satisfies BenchRow;
  const rows: BenchRow[] = [
    row(
      LOAD,
      "api",
      "requests served",
      summary.served,
      "requests",
      `${settings.connections} connections, ${summary.durationSeconds} s`,
    ),
    row(LOAD, "api", "throughput", summary.requestsPerSecond, "req/s"),
    row(LOAD, "api", "2xx", summary.byStatusClass["2xx"], "responses"),
    row(
      LOAD,
      "api",
      "4xx",
      summary.byStatusClass["4xx"],
      "responses",
      `refused (documented 409): ${summary.refused}`,
    ),
    row(LOAD, "api", "5xx", summary.byStatusClass["5xx"], "responses"),
    row(LOAD, "api", "timeouts", summary.timeouts, "requests"),
    row(LOAD, "api", "connection errors", summary.connectionErrors, "errors"),
    row(LOAD, "api", "error rate", summary.errorRate * 100, "%", "5xx, timeouts and connection errors"),
    row(LOAD, "api", "undocumented statuses", summary.unexpected, "responses"),
    row(LOAD, "api", "latency p50", summary.latencyMs.p50, "ms", "autocannon"),
    row(LOAD, "api", "latency p97.5", summary.latencyMs.p97_5, "ms"),
    row(LOAD, "api", "latency p99", summary.latencyMs.p99, "ms"),
    row(LOAD, "api", "latency max", summary.latencyMs.max, "ms"),
    row(
      LOAD,
      "api",
      "in flight at stop",
      summary.inFlightAtStop,
      "requests",
      "unanswered, checked as in doubt",
    ),
  ];
  for (const [kind, figures] of Object.entries(summary.byKind)) {
    rows.push(
      row(
        KINDS,
        kind,
        "sent",
        figures.sent,
        "requests",
        `accepted ${figures.accepted}, refused ${figures.refused}, other ${figures.other}`,
      ),
      row(KINDS, kind, "p50 / p99", figures.p50, "ms", `p99 ${figures.p99.toFixed(1)} ms`),
    );
  }
  for (const check of integrity.checks) {
    rows.push(row(INTEGRITY, check.name, "failures", check.failures.length, `of ${check.checked} checked`));
  }
  const { tally } = integrity;
  rows.push(
    row(
      INTEGRITY,
      "release writes",
      "accepted",
      tally.acceptedWrites,
      "writes",
      `fact rows added: ${tally.memberFactRows} (test results, issues; decisions add none), counting unanswered writes that landed; audit events added: ${tally.auditEvents}`,
    ),
    row(
      INTEGRITY,
      "CI deliveries",
      "accepted",
      tally.acceptedDeliveries,
      "deliveries",
      `delivery rows added: ${tally.deliveryRows}; CI test results added: ${tally.ciTestResults}`,
    ),
    row(
      INTEGRITY,
      "CI redeliveries",
      "answered duplicate",
      tally.answeredDuplicates,
      "redeliveries",
      `duplicate rows added: ${tally.duplicateRows}`,
    ),
    row(
      INTEGRITY,
      "unanswered writes and deliveries",
      "applied",
      integrity.inDoubt.applied,
      `of ${integrity.inDoubt.sent}`,
      "each at most once",
    ),
  );
  return rows;
}

function groupByKind(entries: readonly LedgerEntry[]): Map<RequestKind, LedgerEntry[]> {
  const groups = new Map<RequestKind, LedgerEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.request.kind) ?? [];
    group.push(entry);
    groups.set(entry.request.kind, group);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}
