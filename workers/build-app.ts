import { authenticate } from "../src/app/authenticate";
import { createApp } from "../src/app/create-app";
import { PAGE_HEADERS } from "../src/notifications/pages";
import { calendarRouter } from "../src/routes/calendar";
import { checklistTemplateRouter } from "../src/routes/checklist-template";
import { clientsRouter } from "../src/routes/clients";
import { contactsRouter } from "../src/routes/contacts";
import { emailEventsRouter } from "../src/routes/email-events";
import { hooksRouter } from "../src/routes/hooks";
import { integrationsRouter } from "../src/routes/integrations";
import { membersRouter } from "../src/routes/members";
import { type OpenApiDocumentShape, renderDocsPage } from "../src/routes/meta/docs-page";
import { healthRouter } from "../src/routes/meta/health";
import { jwksRouter } from "../src/routes/meta/jwks";
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
