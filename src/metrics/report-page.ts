import { metricsTitle, readableDate, renderDoraChart } from "../domain/metrics";
import { escapeHtml } from "../domain/notifications";
import { page } from "../notifications/pages";
import type { ClientReport } from "./client-report";

// The printable page of a client's monthly report: the same data as the JSON, for a person. It is
// what a client opens from a share link, so it loads nothing from elsewhere (the chart is inline
// SVG) and carries the pages' strict CSP (PAGE_HEADERS).

const PRINT_STYLE = `<style>
  main { max-width: 60rem; }
  table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.95rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid GrayText; vertical-align: top; }
  dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.75rem; }
  dl.figures div { border: 1px solid GrayText; border-radius: 0.4rem; padding: 0.5rem 0.75rem; }
  dl.figures dt { font-size: 0.85rem; color: GrayText; }
  dl.figures dd { margin: 0; font-size: 1.4rem; font-weight: 600; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
  @media print { body { background: white; color: black; } main { max-width: none; padding: 0; } a { color: black; } }
</style>`;

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "October 2026" for "2026-10". */
export function monthName(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return `${MONTH_NAMES[number - 1]} ${year}`;
}

/** "4 Oct 2026, 02:30" from an RFC 3339 local time with offset ("2026-10-04T02:30:00+10:00"). */
function readableLocal(zoned: string): string {
  return `${readableDate(zoned.slice(0, 10))}, ${zoned.slice(11, 16)}`;
}

const hoursText = (value: number | null) => (value === null ? "–" : `${value.toLocaleString("en-AU")} h`);

function figures(report: ClientReport): string {
  const { dora } = report;
  const rate = dora.change_failure_rate.rate;
  const items: [string, string][] = [
    ["Deployments", String(dora.deployment_frequency.deployments)],
    ["Failed changes", String(dora.change_failure_rate.failed)],
    ["Change failure rate", rate === null ? "–" : `${Math.round(rate * 1000) / 10}%`],
    ["Lead time (median)", hoursText(dora.lead_time_for_changes.p50_hours)],
    ["Time to restore (median)", hoursText(dora.time_to_restore.p50_hours)],
    ["Deployment windows used", String(report.windows_used)],
  ];
  const cells = items.map(([term, value]) => `<div><dt>${term}</dt><dd>${escapeHtml(value)}</dd></div>`);
  return `<dl class="figures">${cells.join("")}</dl>`;
}

function shippedTable(report: ClientReport): string {
  if (report.releases_shipped.length === 0) return "<p>Nothing was deployed this month.</p>";
  const rows = report.releases_shipped.map((release) =>
    [
      "<tr>",
      `<td>${escapeHtml(release.project.name)}</td>`,
      `<td>${escapeHtml(release.version)}</td>`,
      `<td>${escapeHtml(release.title)}</td>`,
      `<td>${readableLocal(release.deployed_at)}</td>`,
      `<td>${release.window ? `${readableLocal(release.window.starts_at)} – ${readableLocal(release.window.ends_at)}` : "–"}</td>`,
      `<td>${release.failed_change ? "Rolled back or unstable" : "Stable"}</td>`,
      "</tr>",
    ].join(""),
  );
  return [
    "<table>",
    '<caption class="visually-hidden">Releases deployed this month</caption>',
    '<thead><tr><th scope="col">Project</th><th scope="col">Version</th><th scope="col">Release</th><th scope="col">Deployed</th><th scope="col">Window</th><th scope="col">Result</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody>`,
    "</table>",
  ].join("");
}

const OUTCOME_TEXT = { completed: "Rolled back", failed: "Rollback failed", in_progress: "In progress" };

function rollbacksTable(report: ClientReport): string {
  if (report.rollbacks.length === 0) return "<p>No release was rolled back this month.</p>";
  const rows = report.rollbacks.map((rollback) =>
    [
      "<tr>",
      `<td>${escapeHtml(rollback.project_name)}</td>`,
      `<td>${escapeHtml(rollback.version)}</td>`,
      `<td>${readableLocal(rollback.started_at)}</td>`,
      `<td>${escapeHtml(rollback.reason ?? "–")}</td>`,
      `<td>${OUTCOME_TEXT[rollback.outcome]}</td>`,
      "</tr>",
    ].join(""),
  );
  return [
    "<table>",
    '<caption class="visually-hidden">Rollbacks started this month</caption>',
    '<thead><tr><th scope="col">Project</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col">Why</th><th scope="col">Outcome</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody>`,
    "</table>",
  ].join("");
}

/** The report as a self-contained page; `expiresAt` is shown on a shared link's page. */
export function renderClientReportPage(report: ClientReport, options: { expiresAt?: Date } = {}): string {
  const title = `${report.client.name}: releases in ${monthName(report.month)}`;
  const chart = renderDoraChart({
    title: metricsTitle(report.dora.scope, report.dora),
    interval: report.dora.interval,
    series: report.dora.series,
  });
  const body = [
    `<header><p>${escapeHtml(report.agency.name)} · monthly release report</p></header>`,
    `<h1>${escapeHtml(title)}</h1>`,
    figures(report),
    `<figure>${chart}<figcaption>Deployments per week (failed changes in the darker part of each bar) and median lead time.</figcaption></figure>`,
    "<h2>Releases deployed</h2>",
    shippedTable(report),
    "<h2>Rollbacks</h2>",
    rollbacksTable(report),
    "<footer>",
    `<p>Times are in ${escapeHtml(report.timezone)}. A deployment counts when its production deployment completed; a failed change is one that was rolled back or judged unstable. Lead time runs from the first CI report about a release (or its creation) to its deployment.</p>`,
    options.expiresAt
      ? `<p>This shared link works until ${readableDate(options.expiresAt.toISOString().slice(0, 10))} (UTC).</p>`
      : "",
    "</footer>",
  ].join("\n");
  return page({ title, head: PRINT_STYLE, body, noindex: true });
}
