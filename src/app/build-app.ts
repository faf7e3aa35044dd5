import { PAGE_HEADERS } from "../notifications/pages";
import { calendarRouter } from "../routes/calendar";
import { checklistTemplateRouter } from "../routes/checklist-template";
import { clientsRouter } from "../routes/clients";
import { contactsRouter } from "../routes/contacts";
import { emailEventsRouter } from "../routes/email-events";
import { hooksRouter } from "../routes/hooks";
import { integrationsRouter } from "../routes/integrations";
import { membersRouter } from "../routes/members";
import { type OpenApiDocumentShape, renderDocsPage } from "../routes/meta/docs-page";
import { healthRouter } from "../routes/meta/health";
import { jwksRouter } from "../routes/meta/jwks";
import { notificationsRouter } from "../routes/notifications";
import { projectsRouter } from "../routes/projects";
import { publicNotesRouter } from "../routes/public-notes";
import { releaseFactsRouter } from "../routes/release-facts";
import { releaseNotesTemplateRouter } from "../routes/release-notes-template";
import { releasesRouter } from "../routes/releases";
import { tenantRouter } from "../routes/tenant";
import { tenantsRouter } from "../routes/tenants";
import { tokensRouter } from "../routes/tokens";
import { unsubscribeRouter } from "../routes/unsubscribe";
import { windowsRouter } from "../routes/windows";
import { authenticate } from "./authenticate";
import { createApp } from "./create-app";

export const API_INFO = {
  title: "Release Pilot API",
  version: "0.1.0",
  description:
    "Release deployment for marketing and digital agencies: tenants, releases through five stages, go/no-go decisions, deployment windows with Australian holidays, CI webhooks and compliant stakeholder email.",
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
    .route("/", releaseNotesTemplateRouter)
    .route("/", publicNotesRouter)
    .route("/", unsubscribeRouter)
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

type BuiltApp = ReturnType<typeof createApp>;

const documents = new WeakMap<BuiltApp, unknown>();

export function openApiDocument(app: BuiltApp) {
  let doc = documents.get(app);
  if (!doc) {
    doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: API_INFO });
    documents.set(app, doc);
  }
  return doc as ReturnType<BuiltApp["getOpenAPI31Document"]>;
}
