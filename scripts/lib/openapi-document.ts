// The OpenAPI document, generated at build time in Node with the real generator (the Worker's bundle
// leaves the generator out: wrangler.toml [alias], workers/zod-to-openapi.js). `npm run openapi`
// writes it with examples to openapi/openapi.json, which the Worker serves as a static asset.
import { describeOptionalDefaults } from "../../src/app/openapi-optional-defaults";
import type { buildApp } from "../../workers/build-app";
import { registerEventWebhooks } from "./openapi-webhooks";

export const API_INFO = {
  title: "Release Pilot API",
  version: "0.1.0",
  description:
    "Release deployment for marketing and digital agencies: tenants, releases through five stages, go/no-go decisions, deployment windows with Australian holidays, CI webhooks and compliant stakeholder email.",
  contact: { name: "Release Pilot support", url: "https://release-pilot.example/support" },
  license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
};

/** Every tag an operation uses, declared with what it groups (the naming test checks none is missing). */
export const API_TAGS = [
  { name: "Service", description: "Liveness, readiness and the keys that verify API tokens." },
  { name: "Platform", description: "Creating agencies, with the platform admin secret." },
  {
    name: "Agency",
    description: "Your agency's settings and sender identity, and confirming its sender address.",
  },
  { name: "Members", description: "The people of your agency and their roles." },
  { name: "Tokens", description: "API tokens: issue, list and revoke." },
  {
    name: "Clients",
    description: "Your agency's clients, each with its own time zone and state if it differs.",
  },
  { name: "Projects", description: "Clients' sites and apps, mapped to repositories for CI webhooks." },
  {
    name: "Releases",
    description:
      "Releases through their five stages: planning, pre-deployment verification, deployment, post-deployment verification and closure; decisions, deployments, rollbacks and the audit trail.",
  },
  { name: "Checklist", description: "Each release's checklist, and the agency's template for new releases." },
  { name: "Release facts", description: "Test plan, rollback procedure and monitoring of a release." },
  { name: "Issue reports", description: "Issues found while verifying a release." },
  { name: "Sign-offs", description: "Approvals and rejections by the people who sign a release off." },
  { name: "Investigation", description: "After a rollback: the investigation and its corrective actions." },
  {
    name: "Release notes",
    description: "Release notes, their template and the public notes pages and feeds.",
  },
  { name: "Windows", description: "Deployment windows: business hours, maintenance windows and freezes." },
  { name: "Calendar", description: "Windows, holidays and releases as a calendar, and its iCalendar feed." },
  {
    name: "CI integrations",
    description: "Signed webhooks from GitHub, GitLab, Bitbucket, CircleCI and Standard Webhooks senders.",
  },
  { name: "Contacts", description: "Client stakeholders, their consent, access and erasure (Privacy Act)." },
  { name: "Notifications", description: "The email outbox: what was sent to whom, and why not." },
  { name: "Unsubscribe", description: "One-click unsubscribe without logging in (Spam Act)." },
  {
    name: "Webhook endpoints",
    description:
      "Release events out to Slack, Teams and the agency's own tools, signed per Standard Webhooks; the payloads are under `webhooks`.",
  },
  {
    name: "Metrics",
    description:
      "Delivery metrics (DORA) per agency, client or project, as JSON and SVG, and each client's monthly release report with share links.",
  },
];

export function openApiDocument(app: ReturnType<typeof buildApp>) {
  registerEventWebhooks(app.openAPIRegistry);
  return describeOptionalDefaults(
    app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: API_INFO,
      // Relative: the document is served by the API it describes, wherever that is deployed.
      servers: [{ url: "/", description: "The API that serves this document" }],
      tags: API_TAGS,
    }),
  );
}
