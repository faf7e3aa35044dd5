import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { at, id, tenantId, timestamps } from "./columns";
import { releases } from "./releases";

/**
 * Stakeholders who are not members: the agency's and its clients' people.
 * Only what release communication needs (APP 3): name, email, role, and the
 * consent record the Spam Act asks for. Erasure (APP 11.2) blanks the
 * personal fields and keeps the row as a pseudonymous trace.
 */
export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    tenantId: tenantId(),
    clientId: uuid(),
    name: text(),
    email: text(),
    role: text(),
    // express | inferred | none
    consentBasis: text().notNull().default("none"),
    consentAt: at(),
    consentMethod: text(),
    consentEvidence: text(),
    purpose: text().notNull().default("Release communication for the agency's client projects"),
    // Raised to revoke every unsubscribe link this contact holds (POST /v1/contacts/{id}/revoke-links).
    linkEpoch: integer().notNull().default(0),
    unsubscribedAt: at(),
    // bounce | complaint
    suppressedAt: at(),
    suppressionReason: text(),
    erasedAt: at(),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "contacts_client_fk",
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.id],
    }).onDelete("set null"),
    unique("contacts_tenant_id_key").on(t.tenantId, t.id),
    uniqueIndex("contacts_tenant_email_key").on(t.tenantId, sql`lower(${t.email})`),
    check("contacts_consent_basis_check", sql`${t.consentBasis} in ('express', 'inferred', 'none')`),
  ],
);

/** Who hears about a release: contacts and team members, by role. */
export const releaseRecipients = pgTable(
  "release_recipients",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    contactId: uuid(),
    memberId: uuid(),
    role: text().notNull(),
  },
  (t) => [
    foreignKey({
      name: "release_recipients_release_fk",
      columns: [t.tenantId, t.releaseId],
      foreignColumns: [releases.tenantId, releases.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "release_recipients_contact_fk",
      columns: [t.tenantId, t.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }).onDelete("cascade"),
    uniqueIndex("release_recipients_contact_key").on(t.releaseId, t.contactId),
    uniqueIndex("release_recipients_member_key").on(t.releaseId, t.memberId),
    check("release_recipients_one_party_check", sql`(${t.contactId} is null) <> (${t.memberId} is null)`),
  ],
);

/**
 * The email outbox: a row is written in the same transaction as the event it
 * reports, and the cron (or waitUntil) sends it through Resend with the row id
 * as the idempotency key. Consent and suppression are checked again at send time.
 */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid(),
    contactId: uuid(),
    memberId: uuid(),
    // The approval request an `approval_requested` message carries the link of.
    approvalRequestId: uuid(),
    // release_scheduled | window_opened | deployed | rolled_back | rollback_failed | notes_published |
    // rollback_decision_required | approval_requested
    event: text().notNull(),
    // factual | commercial (Spam Act: commercial needs consent)
    classification: text().notNull(),
    toAddress: text(),
    subject: text().notNull(),
    bodyText: text(),
    bodyHtml: text(),
    // queued | retrying (a send failed, another is due) | sent | skipped | failed (gave up) | cancelled
    status: text().notNull().default("queued"),
    skipReason: text(),
    // Who cancelled an unsent message (a member; null for the system) and why: audited too.
    cancelledBy: uuid(),
    cancelReason: text(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: at().notNull().defaultNow(),
    lastError: text(),
    providerMessageId: text(),
    sentAt: at(),
    ...timestamps,
  },
  (t) => [
    index("outbox_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'retrying')`),
    index("outbox_messages_release_idx").on(t.tenantId, t.releaseId),
    index("outbox_messages_created_idx").on(t.createdAt),
    // Resend's bounce/complaint webhooks name the message by the provider's id.
    index("outbox_messages_provider_id_idx").on(t.providerMessageId),
  ],
);

export type ContactRow = typeof contacts.$inferSelect;
export type OutboxMessageRow = typeof outboxMessages.$inferSelect;
