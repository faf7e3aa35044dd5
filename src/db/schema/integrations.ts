import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./clients";
import { at, id, tenantId, timestamps } from "./columns";
import { tenants } from "./tenancy";

/** A CI source (GitHub, GitLab, Bitbucket, CircleCI, any Standard Webhooks sender) and how its names map to stages. */
export const integrations = pgTable(
  "integrations",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    provider: text().notNull(),
    name: text().notNull(),
    stageMap: jsonb().$type<Record<string, string>>().notNull().default({}),
    // AES-GCM with a key from a Worker secret; the secret is shown once at creation.
    secretCiphertext: text().notNull(),
    // While a rotated-out secret overlaps, both are accepted until it expires.
    previousSecretCiphertext: text(),
    previousSecretExpiresAt: at(),
    createdBy: uuid(),
    disabledAt: at(),
    ...timestamps,
  },
  (t) => [
    unique("integrations_tenant_id_key").on(t.tenantId, t.id),
    check(
      "integrations_provider_check",
      sql`${t.provider} in ('github', 'gitlab', 'bitbucket', 'circleci', 'standard')`,
    ),
  ],
);

export const integrationProjects = pgTable(
  "integration_projects",
  {
    tenantId: tenantId(),
    integrationId: uuid().notNull(),
    projectId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ name: "integration_projects_pkey", columns: [t.integrationId, t.projectId] }),
    foreignKey({
      name: "integration_projects_integration_fk",
      columns: [t.tenantId, t.integrationId],
      foreignColumns: [integrations.tenantId, integrations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "integration_projects_project_fk",
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete("cascade"),
  ],
);

/**
 * Every delivery the receiver saw, for debugging CI set-ups and for
 * de-duplication (unique per integration and delivery id). Only what features
 * use is kept: ids, event type, outcome and why — never the payload.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    tenantId: tenantId(),
    integrationId: uuid().notNull(),
    deliveryId: text().notNull(),
    // SHA-256 of the signed body: the delivery id is not signed (GitHub, Bitbucket), so a
    // captured body resent under a new id is recognised by its content.
    payloadSha256: text(),
    eventType: text(),
    // received | applied | duplicate | ignored | rejected | malformed | unmatched | failed
    outcome: text().notNull(),
    reason: text(),
    releaseId: uuid(),
    receivedAt: at().notNull().defaultNow(),
    processedAt: at(),
    // While the delivery waits to be processed: the normalised event (ids, statuses, names, URLs;
    // what processing needs, never the payload), cleared once it is processed.
    pendingJob: jsonb(),
    // When it was last handed to the processing queue; the cron hands it over again if it waits too long.
    queuedAt: at(),
  },
  (t) => [
    foreignKey({
      name: "webhook_deliveries_integration_fk",
      columns: [t.tenantId, t.integrationId],
      foreignColumns: [integrations.tenantId, integrations.id],
    }).onDelete("cascade"),
    uniqueIndex("webhook_deliveries_delivery_key").on(t.integrationId, t.deliveryId),
    uniqueIndex("webhook_deliveries_payload_key").on(t.integrationId, t.payloadSha256),
    index("webhook_deliveries_recent_idx").on(t.integrationId, t.receivedAt),
    index("webhook_deliveries_received_idx").on(t.receivedAt),
    index("webhook_deliveries_pending_idx").on(t.queuedAt).where(sql`${t.pendingJob} is not null`),
  ],
);

export type IntegrationRow = typeof integrations.$inferSelect;
