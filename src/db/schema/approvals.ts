import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, id, tenantId } from "./columns";
import { contacts } from "./notifications";
import { releases } from "./releases";
import { members } from "./tenancy";

/**
 * A client contact's sign-off or UAT verdict asked for by signed link, without an account. The
 * link is a signed token naming this row; the row binds it to one release attempt, one contact and
 * one decision, and is what makes it expire, single-use and withdrawable. Withdrawn and decided
 * rows stay as the record of who was asked and what they answered.
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    contactId: uuid().notNull(),
    // sign_off | uat
    kind: text().notNull(),
    // pending | decided | withdrawn (expired is pending past expires_at)
    status: text().notNull().default("pending"),
    /** The agency's note to the client, shown on the page and in the email. */
    message: text(),
    expiresAt: at().notNull(),
    // approved | changes_requested (sign_off); passed | failed (uat)
    decision: text(),
    decisionNote: text(),
    decidedAt: at(),
    withdrawnAt: at(),
    withdrawnBy: uuid(),
    createdBy: uuid(),
    createdAt: at().notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "approval_requests_release_fk",
      columns: [t.tenantId, t.releaseId],
      foreignColumns: [releases.tenantId, releases.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "approval_requests_contact_fk",
      columns: [t.tenantId, t.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "approval_requests_member_fk",
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [members.tenantId, members.id],
    }),
    index("approval_requests_release_idx").on(t.tenantId, t.releaseId),
    check("approval_requests_kind_check", sql`${t.kind} in ('sign_off', 'uat')`),
    check("approval_requests_status_check", sql`${t.status} in ('pending', 'decided', 'withdrawn')`),
    check(
      "approval_requests_decision_check",
      sql`(${t.status} <> 'decided' and ${t.decision} is null) or (${t.status} = 'decided' and (
        (${t.kind} = 'sign_off' and ${t.decision} in ('approved', 'changes_requested')) or
        (${t.kind} = 'uat' and ${t.decision} in ('passed', 'failed'))))`,
    ),
  ],
);

export type ApprovalRequestRow = typeof approvalRequests.$inferSelect;
