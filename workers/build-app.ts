import { authenticate } from "../src/app/authenticate";
import { createApp } from "../src/app/create-app";
import { PaginationQuery } from "../src/app/openapi";
import { PAGE_HEADERS } from "../src/notifications/pages";
import { approvalRequestsRouter } from "../src/routes/approval-requests";
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
import { webhookEndpointsRouter } from "../src/routes/webhook-endpoints";
import { windowsRouter } from "../src/routes/windows";

/** The whole API: the Worker's fetch handler, the tests and the build-time OpenAPI generator all use this. */
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
    .route("/", approvalRequestsRouter)
    .route("/", webhookEndpointsRouter)
    .route("/", releaseNotesTemplateRouter)
    .route("/", publicNotesRouter)
    .route("/", unsubscribeRouter)
    .route("/", senderConfirmationRouter)
    // Before the CI receiver: /hooks/{integration_id} would otherwise take /hooks/resend.
    .route("/", emailEventsRouter)
    .route("/", hooksRouter);

  // The document generated at build time, a static asset (wrangler.toml [assets]), and its page.
  app.get("/openapi.json", async (c) => {
    const document = await openApiAsset(c.env, c.req.url);
    return c.body(await document.arrayBuffer(), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    });
  });
  app.get("/docs", async (c) => {
    const document = await openApiAsset(c.env, c.req.url);
    return c.html(renderDocsPage((await document.json()) as OpenApiDocumentShape), 200, {
      ...PAGE_HEADERS,
      "Cache-Control": "public, max-age=300",
    });
  });
  return app;
}

async function openApiAsset(env: Env, requestUrl: string): Promise<Response> {
  const document = await env.ASSETS.fetch(new URL("/openapi.json", requestUrl));
  if (!document.ok) throw new Error(`the OpenAPI document asset answered ${document.status}`);
  return document;
}
