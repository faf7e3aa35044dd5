// The shape every `npm run bench` measurement returns, and the printed table.

export interface BenchRow {
  /** Which measurement produced the row, e.g. "GET /v1/projects/{id} latency". */
  measurement: string;
  /** What was measured: "api" (the real Worker), "bare" (the floor), "bundle", … */
  target: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchMeasurement<Context> {
  name: string;
  run(context: Context): Promise<BenchRow[]>;
}

export interface BenchReport {
  started_at: string;
  finished_at: string;
  /** os.loadavg() (1, 5 and 15 minutes) when the run started and ended. */
  load_average: { at_start: number[]; at_end: number[] };
  node: string;
  platform: string;
  database: string;
  settings: Record<string, number | string>;
  rows: BenchRow[];
  failures: { measurement: string; error: string }[];
}

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-AU");
  const digits = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 10 ? 2 : 3;
  return value.toLocaleString("en-AU", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table: measurement, target, metric, value (right-aligned), unit, note. */
export function renderTable(rows: BenchRow[]): string {
  const header = ["measurement", "target", "metric", "value", "unit", "note"];
  const cells = rows.map((row) => [
    row.measurement,
    row.target,
    row.metric,
    formatValue(row.value),
    row.unit,
    row.note ?? "",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? "").length)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, column) =>
        column === 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const lines = [render(header), render(widths.map((width) => "-".repeat(width)))];
  let previous = "";
  for (const line of cells) {
    // Repeat the measurement name only when it changes.
    const name = line[0] ?? "";
    lines.push(render([name === previous ? "" : name, ...line.slice(1)]));
    previous = name;
  }
  return lines.join("\n");
}
