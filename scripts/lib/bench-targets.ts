// The data path's targets, each as a ratio against the bare Worker measured in the same run (the
// machine is shared and noisy, so absolute figures are not comparable between runs). Derived from
// the rows the measurements returned; a missing row (a measurement that failed) gives no target row.
import type { BenchRow } from "./bench-report.ts";

const READ = "GET /v1/projects/{id} latency";
const READ_FRAMES = "GET /v1/projects/{id} DB round trips";
const DECISIONS = "Decisions through the release's Durable Object";
const WEBHOOKS = "POST /hooks/{integration_id} (GitHub workflow_run)";
const BUNDLE = "Worker bundle";
export const TARGETS_MEASUREMENT = "targets (issue 13), ratios in this run";

interface Target {
  name: string;
  /** The ratio, or undefined when a row it needs is missing. */
  value: (
    find: (measurement: string, target: string, metric: string) => number | undefined,
  ) => number | undefined;
  unit: string;
  /** "≤" or "≥" the goal. */
  comparison: "≤" | "≥";
  goal: number;
}

function ratio(top: number | undefined, bottom: number | undefined): number | undefined {
  return top === undefined || bottom === undefined || bottom === 0 ? undefined : top / bottom;
}

const TARGETS: Target[] = [
  {
    name: "read frames − bare frames",
    value: (find) => {
      const api = find(READ_FRAMES, "api", "frames to DB / request");
      const bare = find(READ_FRAMES, "bare", "frames to DB / request");
      return api === undefined || bare === undefined ? undefined : api - bare;
    },
    unit: "frames",
    comparison: "≤",
    goal: 0,
  },
  {
    name: "read p50 ÷ bare p50",
    value: (find) => ratio(find(READ, "api", "p50"), find(READ, "bare", "p50")),
    unit: "×",
    comparison: "≤",
    goal: 1.3,
  },
  {
    name: "read throughput ÷ bare",
    value: (find) => ratio(find(READ, "api", "throughput"), find(READ, "bare", "throughput")),
    unit: "×",
    comparison: "≥",
    goal: 0.8,
  },
  {
    name: "decisions/s, one release ÷ bare reads/s",
    value: (find) => ratio(find(DECISIONS, "1 release", "decisions/s"), find(READ, "bare", "throughput")),
    unit: "×",
    comparison: "≥",
    goal: 1,
  },
  {
    name: "decisions/s, 50 releases ÷ one release",
    value: (find) =>
      ratio(find(DECISIONS, "50 releases", "decisions/s"), find(DECISIONS, "1 release", "decisions/s")),
    unit: "×",
    comparison: "≥",
    goal: 3,
  },
  {
    name: "webhooks accepted/s ÷ bare reads/s",
    value: (find) => ratio(find(WEBHOOKS, "api", "accepted webhooks"), find(READ, "bare", "throughput")),
    unit: "×",
    comparison: "≥",
    goal: 1,
  },
  {
    name: "time to 202 p50 ÷ bare read p50",
    value: (find) => ratio(find(WEBHOOKS, "api", "time to 202 p50"), find(READ, "bare", "p50")),
    unit: "×",
    comparison: "≤",
    goal: 1.3,
  },
  {
    name: "bundle gzip size",
    value: (find) => find(BUNDLE, "bundle", "gzip size"),
    unit: "KiB",
    comparison: "≤",
    goal: 300,
  },
];

/** One row per target: its value in this run, the goal and whether it was met. */
export function targetRows(rows: readonly BenchRow[]): BenchRow[] {
  const find = (measurement: string, target: string, metric: string) =>
    rows.find((row) => row.measurement === measurement && row.target === target && row.metric === metric)
      ?.value;
  return TARGETS.flatMap((target) => {
    const value = target.value(find);
    if (value === undefined) return [];
    const met = target.comparison === "≤" ? value <= target.goal : value >= target.goal;
    return [
      {
        measurement: TARGETS_MEASUREMENT,
        target: target.name,
        metric: `${target.comparison} ${target.goal}`,
        value: Math.round(value * 1000) / 1000,
        unit: target.unit,
        note: met ? "met" : "not met",
      },
    ];
  });
}
