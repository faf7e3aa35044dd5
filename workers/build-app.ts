import { authenticate } from "../src/app/authenticate";
import { createApp } from "../src/app/create-app";
import { PaginationQuery } from "../src/app/openapi";
import { describeOptionalDefaults } from "../src/app/openapi-optional-defaults";
import { PAGE_HEADERS } from "../src/notifications/pages";
import { calendarRouter } from "../src/routes/calendar";
import { checklistTemplateRouter } from "../src/routes/checklist-template";
import { clientReportsRouter } from "../src/routes/client-reports";
import { clientsRouter } from "../src/routes/clients";
import { contactsRouter } from "../src/routes/contacts";
import { emailEventsRouter } from "../src/routes/email-events";
import { hooksRouter } from "../src/routes/hooks";
import { integrationsRouter } from "../src/routes/integrations";
import { membersRouter } from "../src/routes/members";
import { type OpenApiDocumentShape, renderDocsPage } from "../src/routes/meta/docs-page";
import { healthRouter } from "../src/routes/meta/health";
import { jwksRouter } from "../src/routes/meta/jwks";
import { metricsRouter } from "../src/routes/metrics";
import { notificationsRouter } from "../src/routes/notifications";
import { projectsRouter } from "../src/routes/projects";
import { publicNotesRouter } from "../src/routes/public-notes";
import { releaseFactsRouter } from "../src/routes/release-facts";
import { releaseNotesTemplateRouter } from "../src/routes/release-notes-template";
import { releasesRouter } from "../src/routes/releases";
import { senderConfirmationRouter } from "../src/routes/sender-confirmation";
import { tenantRouter } from "../src/routes/tenant";
import { tenantsRouter } from "../src/routes/tenants";
import { tokensRouter } from "../src/routes/tokens";
import { unsubscribeRouter } from "../src/routes/unsubscribe";
import { windowsRouter } from "../src/routes/windows";

export const API_INFO = {
  title: "Release Pilot API",
  version: "0.1.0",
  description:
    "Release deployment for marketing and digital agencies: tenants, releases through five stages, go/no-go decisions, deployment windows with Australian holidays, CI webhooks and compliant stakeholder email.",
  contact: { name: "Release Pilot support", url: "https://release-pilot.example/support" },
  license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
};

/** The whole API: the Worker's fetch handler, the tests and the OpenAPI generator all use this. */
export function buildApp() {
  const app = createApp();
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A member's API token from POST /v1/tokens (or the owner token from POST /v1/tenants).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The platform admin secret ADMIN_TOKEN.",
  });

  // Shared parameters, registered before any route so each list operation refers to them.
  app.openAPIRegistry.registerParameter("PageLimit", PaginationQuery.shape.limit);
  app.openAPIRegistry.registerParameter("PageCursor", PaginationQuery.shape.cursor);

  app.use("/v1/*", authenticate);

  app
    .route("/", healthRouter)
    .route("/", jwksRouter)
    .route("/", tenantsRouter)
    .route("/", tenantRouter)
    .route("/", membersRouter)
    .route("/", tokensRouter)
    .route("/", clientsRouter)
    .route("/", projectsRouter)
    .route("/", releasesRouter)
    .route("/", releaseFactsRouter)
    .route("/", checklistTemplateRouter)
    .route("/", windowsRouter)
    .route("/", calendarRouter)
    .route("/", integrationsRouter)
    .route("/", contactsRouter)
    .route("/", notificationsRouter)
    .route("/", metricsRouter)
    .route("/", clientReportsRouter)
    .route("/", releaseNotesTemplateRouter)
    .route("/", publicNotesRouter)
    .route("/", unsubscribeRouter)
    .route("/", senderConfirmationRouter)
    // Before the CI receiver: /hooks/{integration_id} would otherwise take /hooks/resend.
    .route("/", emailEventsRouter)
    .route("/", hooksRouter);

  app.get("/openapi.json", (c) => c.json(openApiDocument(app)));
  app.get("/docs", (c) =>
    c.html(renderDocsPage(openApiDocument(app) as unknown as OpenApiDocumentShape), 200, {
      ...PAGE_HEADERS,
      "Cache-Control": "public, max-age=300",
    }),
  );
  return app;
}

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
    name: "Metrics",
    description:
      "Delivery metrics (DORA) per agency, client or project, as JSON and SVG, and each client's monthly release report with share links.",
  },
];

type BuiltApp = ReturnType<typeof createApp>;

const documents = new WeakMap<BuiltApp, unknown>();

export function openApiDocument(app: BuiltApp) {
  let doc = documents.get(app);
  if (!doc) {
    doc = describeOptionalDefaults(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: API_INFO,
        // Relative: the document is served by the API it describes, wherever that is deployed.
        servers: [{ url: "/", description: "The API that serves this document" }],
        tags: API_TAGS,
      }),
    );
    documents.set(app, doc);
  }
  return doc as ReturnType<BuiltApp["getOpenAPI31Document"]>;
}
