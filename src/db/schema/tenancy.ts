import { sql } from "drizzle-orm";
import {
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, id, tenantId, timestamps } from "./columns";

export const tenants = pgTable(
  "tenants",
  {
    id: id(),
    slug: text().notNull(),
    name: text().notNull(),
    timezone: text().notNull(),
    state: text().notNull(),
    // Spam Act s17: every message names the sender and how to reach them.
    senderName: text(),
    senderEmail: text(),
    // The agency proved control of senderEmail (a confirmation link sent to it); only then is it
    // the Reply-To. From is always the platform's own address (EMAIL_FROM).
    senderEmailConfirmedAt: at(),
    senderPostalAddress: text(),
    senderPhone: text(),
    // Agency policy: a high-risk go also needs an approver other than the person deciding.
    secondApproverForHighRisk: boolean().notNull().default(false),
    // High-risk releases also need the client's sign-off (by approval link) before go.
    clientSignOffForHighRisk: boolean().notNull().default(false),
    // Agency policy: a failed deployment or smoke test rolls back at once, as the system.
    autoRollbackOnFailure: boolean().notNull().default(false),
    // The state's public holidays are deployment freezes unless switched off.
    holidaysEnabled: boolean().notNull().default(true),
    // APP 11: how long message bodies, delivery records and webhook deliveries are kept.
    retentionDays: integer().notNull().default(90),
    // Release-notes template (markdown with {{placeholders}}); null uses the built-in one.
    releaseNotesTemplate: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex("tenants_slug_key").on(t.slug)],
);

export const members = pgTable(
  "members",
  {
    id: id(),
    tenantId: tenantId()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    // Null only for the owner created with a new agency, until they add it.
    email: text(),
    role: text().notNull(),
    deactivatedAt: at(),
    // Raised to revoke every unsubscribe link this member holds (POST /v1/members/{id}/revoke-links).
    linkEpoch: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("members_tenant_email_key").on(t.tenantId, sql`lower(${t.email})`),
    // Composite key target so other tables can reference (tenant_id, member_id)
    // and a row can never point at another tenant's member.
    unique("members_tenant_id_key").on(t.tenantId, t.id),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    // The JWT's `jti`: revocation flips `revoked_at` and the next request is refused.
    id: id(),
    tenantId: tenantId(),
    memberId: uuid().notNull(),
    name: text().notNull(),
    createdBy: uuid(),
    expiresAt: at().notNull(),
    revokedAt: at(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    foreignKey({
      name: "api_tokens_member_fk",
      columns: [t.tenantId, t.memberId],
      foreignColumns: [members.tenantId, members.id],
    }).onDelete("cascade"),
    index("api_tokens_tenant_member_idx").on(t.tenantId, t.memberId),
  ],
);

export type TenantRow = typeof tenants.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
