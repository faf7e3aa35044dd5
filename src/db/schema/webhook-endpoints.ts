import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { at, id, tenantId, timestamps } from "./columns";
import { tenants } from "./tenancy";

/**
 * Where an agency wants release events sent: its own receiver (Standard Webhooks, signed), or a
 * Slack or Teams incoming webhook (a formatted message). The signing secret is sealed with
 * DATA_ENCRYPTION_KEY; after a rotation the previous one still signs for a day, so receivers can
 * switch without dropping a delivery.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text(),
    // standard | slack | teams
    format: text().notNull(),
    events: text().array().notNull(),
    enabled: boolean().notNull().default(true),
    secretCiphertext: text().notNull(),
    previousSecretCiphertext: text(),
    previousSecretExpiresAt: at(),
    /** Since when every attempt has failed; cleared by a success. Three days of it disables the endpoint. */
    failingSince: at(),
    /** The last failed attempt: a streak continues only while failures follow each other. */
    lastFailureAt: at(),
    disabledAt: at(),
    disabledReason: text(),
    createdBy: uuid(),
    ...timestamps,
  },
  (t) => [
    unique("webhook_endpoints_tenant_id_key").on(t.tenantId, t.id),
    check("webhook_endpoints_format_check", sql`${t.format} in ('standard', 'slack', 'teams')`),
  ],
);

/**
 * One event for one endpoint: written in the transaction that records the event (an outbox), sent
 * right after the response and by the cron, retried with backoff for about a day. Its id is the
 * `webhook-id` header, the same on every attempt, so a receiver can drop duplicates.
 */
export const endpointDeliveries = pgTable(
  "endpoint_deliveries",
  {
    id: id(),
    tenantId: tenantId(),
    endpointId: uuid().notNull(),
    eventType: text().notNull(),
    payload: jsonb().notNull(),
    // pending | retrying | sending (claimed; next_attempt_at is its lease) | delivered | failed
    status: text().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: at().notNull().defaultNow(),
    lastResponseCode: integer(),
    lastError: text(),
    deliveredAt: at(),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "endpoint_deliveries_endpoint_fk",
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete("cascade"),
    index("endpoint_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'retrying', 'sending')`),
    index("endpoint_deliveries_endpoint_idx").on(t.tenantId, t.endpointId, t.id),
    check(
      "endpoint_deliveries_status_check",
      sql`${t.status} in ('pending', 'retrying', 'sending', 'delivered', 'failed')`,
    ),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type EndpointDeliveryRow = typeof endpointDeliveries.$inferSelect;
