import { TEMPLATE_PLACEHOLDERS } from "../../src/domain/notifications/notes-template";
import { BASE_URL, ids, names, pageOf, times } from "./world";

// Examples for delivery metrics, the client's monthly report and its share links, and the
// agency's release-notes template.

const doraMetrics = {
  from: "2026-09-01",
  to: "2026-11-30",
  timezone: names.timezone,
  interval: "month",
  scope: { kind: "client", id: ids.client, name: names.client },
  deployment_frequency: { deployments: 11, per_week: 0.85 },
  lead_time_for_changes: { p50_hours: 46.5, p90_hours: 130.2, samples: 11 },
  change_failure_rate: { failed: 1, deployments: 11, rate: 0.09 },
  time_to_restore: { p50_hours: 0.7, samples: 1 },
  series: [
    { period_start: "2026-09-01", deployments: 3, failures: 0, lead_time_p50_hours: 52 },
    { period_start: "2026-10-01", deployments: 4, failures: 1, lead_time_p50_hours: 40.25 },
    { period_start: "2026-11-01", deployments: 4, failures: 0, lead_time_p50_hours: 47.5 },
  ],
};

const reportLink = {
  id: ids.reportLink,
  client_id: ids.client,
  month: "2026-11",
  expires_at: "2026-12-17T05:02:19.000Z",
  created_by: ids.owner,
  created_at: times.now,
};

const notesTemplate =
  "{{notes}}\n\n## What changed in {{project}} {{version}}\n\n{{change_log}}\n\nQuestions? Reply to this email — {{agency}}";

export const metricsExamples: Record<string, unknown> = {
  DoraMetrics: doraMetrics,
  ClientReport: {
    agency: { name: names.agency },
    client: { id: ids.client, name: names.client },
    month: "2026-11",
    timezone: names.timezone,
    releases_shipped: [
      {
        release_id: ids.previousRelease,
        project: { id: ids.project, name: names.project },
        version: "2.3.2",
        title: "2.3.2 — Click & collect store picker",
        attempt: 1,
        deployed_at: "2026-11-17T11:22:05.000Z",
        window: { starts_at: "2026-11-17T11:00:00.000Z", ends_at: "2026-11-17T13:00:00.000Z" },
        failed_change: false,
        lead_time_hours: 38.4,
      },
    ],
    rollbacks: [],
    windows_used: 1,
    dora: { ...doraMetrics, from: "2026-11-01", to: "2026-11-30", series: [doraMetrics.series[2]] },
  },
  ClientReportLink: reportLink,
  ClientReportLinkPage: pageOf([reportLink]),
  ClientReportLinkCreate: { month: "2026-11", expires_in_days: 14 },
  IssuedClientReportLink: {
    ...reportLink,
    url: `${BASE_URL}/s/eyJ0aWQiOiIwMWExOTk4ZSIsImxpZCI6IjAxYTFlZDVlIn0.Qm8vT2kX9pL4sWc7nRb1hJd6fGa3eZu5`,
  },
  ReleaseNotesTemplate: { markdown: notesTemplate, custom: true, placeholders: { ...TEMPLATE_PLACEHOLDERS } },
  ReleaseNotesTemplatePut: { markdown: notesTemplate },
};
