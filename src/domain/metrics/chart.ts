/**
 * The delivery chart as a standalone SVG: deployments per period as bars (failed changes as the
 * darker bottom part of each bar) and median lead time as a line on its own axis at the right.
 * It is served as an image and inlined in the client report page, so it carries only presentation
 * attributes: no script, no style element, nothing fetched from elsewhere, and every text it shows
 * from input is escaped. A `<title>` and a `<desc>` that summarises the numbers make it readable
 * without seeing it.
 */

export interface ChartPeriod {
  /** First day of the period in the agency's zone, YYYY-MM-DD. */
  period_start: string;
  deployments: number;
  /** Deployments in the period that turned out to be failed changes (≤ deployments). */
  failures: number;
  /** Median lead time of the period's deployments in hours, or null when none. */
  lead_time_p50_hours: number | null;
}

export interface DoraChartInput {
  /** e.g. "Delivery for Bondi Surf Co, 1 Oct 2026 – 31 Dec 2026": becomes the <title>. */
  title: string;
  interval: "week" | "month";
  series: readonly ChartPeriod[];
}

const WIDTH = 720;
const HEIGHT = 320;
const PLOT = { left: 48, right: WIDTH - 56, top: 44, bottom: HEIGHT - 40 };
const PLOT_WIDTH = PLOT.right - PLOT.left;
const PLOT_HEIGHT = PLOT.bottom - PLOT.top;
/** More labels than this under the bars would overlap; every k-th is shown instead. */
const MAX_X_LABELS = 16;
const COLOURS = { deployed: "#4c78a8", failed: "#c0392b", lead: "#e08a00", axis: "#555555", grid: "#dddddd" };
const FONT = 'font-family="system-ui, sans-serif" font-size="11"';
const ID = "dora";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** A coordinate or a value with at most one decimal, never NaN or Infinity. */
function num(value: number): string {
  if (!Number.isFinite(value)) return "0";
  return String(Math.round(value * 10) / 10);
}

/** A step of 1, 2 or 5 × 10^k that splits `max` into at most five intervals. */
function niceStep(max: number, integers: boolean): number {
  if (!(max > 0)) return 1;
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? rough;
  return integers ? Math.max(1, Math.ceil(step)) : step;
}

function axisTop(max: number, step: number): number {
  return Math.max(step, Math.ceil(max / step) * step);
}

/** "7 Oct" for a week, "Oct 2026" for a month, from the YYYY-MM-DD text (no locale data needed). */
function periodLabel(start: string, interval: "week" | "month"): string {
  const [year, month, day] = start.split("-").map(Number) as [number, number, number];
  const name = MONTHS[month - 1] ?? "";
  return interval === "month" ? `${name} ${year}` : `${day} ${name}`;
}

function description(input: DoraChartInput): string {
  const { series, interval } = input;
  const first = series[0];
  const last = series.at(-1);
  const deployments = series.reduce((sum, period) => sum + period.deployments, 0);
  if (!first || !last || deployments === 0) return "No deployments in this period.";
  const failures = series.reduce((sum, period) => sum + period.failures, 0);
  const leads = series.flatMap((period) =>
    period.lead_time_p50_hours === null ? [] : [period.lead_time_p50_hours],
  );
  const periods = `${series.length} ${interval}${series.length === 1 ? "" : "s"}`;
  const when = (start: string) =>
    interval === "month"
      ? periodLabel(start, "month")
      : `the week of ${periodLabel(start, "week")} ${start.slice(0, 4)}`;
  const parts = [
    `${deployments} deployment${deployments === 1 ? "" : "s"} and ${failures} failed change${failures === 1 ? "" : "s"} over ${periods}, from ${when(first.period_start)} to ${when(last.period_start)}.`,
  ];
  if (leads.length > 0) {
    parts.push(
      `Median lead time per ${interval} ranged from ${num(Math.min(...leads))} to ${num(Math.max(...leads))} hours.`,
    );
  }
  return parts.join(" ");
}

function text(
  x: number,
  y: number,
  content: string,
  anchor: "start" | "middle" | "end",
  fill = COLOURS.axis,
) {
  return `<text x="${num(x)}" y="${num(y)}" text-anchor="${anchor}" fill="${fill}" ${FONT}>${escapeXml(content)}</text>`;
}

export function renderDoraChart(input: DoraChartInput): string {
  const { series, interval } = input;
  const count = series.length;
  const maxDeployments = series.reduce((max, period) => Math.max(max, period.deployments), 0);
  const leads = series.map((period) => period.lead_time_p50_hours);
  const maxLead = leads.reduce<number>((max, lead) => (lead === null ? max : Math.max(max, lead)), 0);
  const deployStep = niceStep(maxDeployments, true);
  const deployTop = axisTop(maxDeployments, deployStep);
  const leadStep = niceStep(maxLead, false);
  const leadTop = axisTop(maxLead, leadStep);
  const yOfDeployments = (value: number) => PLOT.bottom - (value / deployTop) * PLOT_HEIGHT;
  const yOfHours = (value: number) => PLOT.bottom - (value / leadTop) * PLOT_HEIGHT;
  const slot = count > 0 ? PLOT_WIDTH / count : PLOT_WIDTH;
  const barWidth = Math.max(1, slot * 0.6);
  const centre = (index: number) => PLOT.left + index * slot + slot / 2;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${ID}-title ${ID}-desc">`,
    `<title id="${ID}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${ID}-desc">${escapeXml(description(input))}</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  ];

  // Grid and the left axis (deployments, whole numbers).
  for (let value = 0; value <= deployTop; value += deployStep) {
    const y = yOfDeployments(value);
    parts.push(
      `<line x1="${PLOT.left}" y1="${num(y)}" x2="${PLOT.right}" y2="${num(y)}" stroke="${COLOURS.grid}" stroke-width="1"/>`,
      text(PLOT.left - 6, y + 4, String(value), "end"),
    );
  }
  // The right axis (hours of lead time).
  for (let step = 0; step * leadStep <= leadTop + leadStep / 1000; step++) {
    const value = step * leadStep;
    parts.push(text(PLOT.right + 6, yOfHours(value) + 4, `${num(value)} h`, "start", COLOURS.lead));
  }
  parts.push(
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="${COLOURS.axis}" stroke-width="1"/>`,
  );

  // Bars: the failed part at the bottom, the rest above it.
  for (const [index, period] of series.entries()) {
    const x = centre(index) - barWidth / 2;
    const failures = Math.min(period.failures, period.deployments);
    const failedTop = yOfDeployments(failures);
    const deployedTop = yOfDeployments(period.deployments);
    if (period.deployments > failures) {
      parts.push(
        `<rect x="${num(x)}" y="${num(deployedTop)}" width="${num(barWidth)}" height="${num(failedTop - deployedTop)}" fill="${COLOURS.deployed}"/>`,
      );
    }
    if (failures > 0) {
      parts.push(
        `<rect x="${num(x)}" y="${num(failedTop)}" width="${num(barWidth)}" height="${num(PLOT.bottom - failedTop)}" fill="${COLOURS.failed}"/>`,
      );
    }
  }

  // Lead time: a line through the periods that have one, broken where a period has none.
  let segment: string[] = [];
  const flush = () => {
    if (segment.length > 1) {
      parts.push(
        `<polyline points="${segment.join(" ")}" fill="none" stroke="${COLOURS.lead}" stroke-width="2"/>`,
      );
    }
    segment = [];
  };
  for (const [index, lead] of leads.entries()) {
    if (lead === null) {
      flush();
      continue;
    }
    const point = `${num(centre(index))},${num(yOfHours(lead))}`;
    segment.push(point);
    parts.push(
      `<circle cx="${num(centre(index))}" cy="${num(yOfHours(lead))}" r="3" fill="${COLOURS.lead}"/>`,
    );
  }
  flush();

  // Period labels, thinned so they never overlap.
  const every = Math.max(1, Math.ceil(count / MAX_X_LABELS));
  for (const [index, period] of series.entries()) {
    if (index % every === 0)
      parts.push(text(centre(index), PLOT.bottom + 16, periodLabel(period.period_start, interval), "middle"));
  }

  if (maxDeployments === 0) {
    parts.push(
      text(PLOT.left + PLOT_WIDTH / 2, PLOT.top + PLOT_HEIGHT / 2, "No deployments in this period", "middle"),
    );
  }

  // Legend.
  const legend: [string, string][] = [
    [COLOURS.deployed, "Deployments"],
    [COLOURS.failed, "Failed changes"],
    [COLOURS.lead, "Median lead time (hours, right axis)"],
  ];
  let legendX = PLOT.left;
  for (const [colour, label] of legend) {
    parts.push(
      `<rect x="${legendX}" y="14" width="12" height="12" fill="${colour}"/>`,
      text(legendX + 16, 24, label, "start"),
    );
    legendX += 28 + label.length * 6;
  }

  parts.push("</svg>");
  return parts.join("");
}
