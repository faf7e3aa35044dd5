import { sql } from "drizzle-orm";
import { outboxMessages } from "../db/schema";
import type { Tx } from "../db/scope";
import {
  type ConsentBasis,
  classify,
  decideSend,
  type NotificationEvent,
  subjectFor,
} from "../domain/notifications";
import { uuidv7 } from "../lib/ids";

export interface RecipientRow {
  recipient_id: string;
  contact_id: string | null;
  member_id: string | null;
  role: string;
  email: string | null;
  consent_basis: ConsentBasis;
  unsubscribed: boolean;
  suppressed: boolean;
  erased: boolean;
}

/**
 * The release's communication list with what the policy needs. Team members are
 * the agency's own staff: their consent is inferred from that relationship, and
 * a deactivated member is treated like an erased contact.
 */
export async function loadRecipients(tx: Tx, tenantId: string, releaseId: string): Promise<RecipientRow[]> {
  const result = await tx.execute(sql`
    select rr.id as recipient_id, rr.contact_id, rr.member_id, rr.role,
      coalesce(c.email, m.email) as email,
      case when rr.member_id is not null then 'inferred' else c.consent_basis end as consent_basis,
      (c.unsubscribed_at is not null) as unsubscribed,
      (c.suppressed_at is not null) as suppressed,
      (c.erased_at is not null or m.deactivated_at is not null) as erased
    from release_recipients rr
    left join contacts c on c.tenant_id = rr.tenant_id and c.id = rr.contact_id
    left join members m on m.tenant_id = rr.tenant_id and m.id = rr.member_id
    where rr.tenant_id = ${tenantId} and rr.release_id = ${releaseId}
    order by rr.role, rr.id`);
  return result.rows as unknown as RecipientRow[];
}

export interface ReleaseForQueue {
  id: string;
  project_name: string;
  version: string;
  change_log: { kind: string | null }[];
  compliance: { touches_pricing_promotions_or_claims?: boolean };
}

export interface QueueReport {
  queued: number;
  skipped: number;
}

/**
 * Writes one outbox row per recipient for an event, in the caller's transaction
 * (the one that records the event). A recipient the policy already refuses gets
 * a `skipped` row with its reason, so "why was nothing sent" has an answer; the
 * rest are `queued` and decided again at send time. Rows carry no address or
 * body yet: those are composed when sent, from the data as it is then.
 */
export async function queueReleaseNotifications(
  tx: Tx,
  tenantId: string,
  release: ReleaseForQueue,
  event: NotificationEvent,
  now: Date,
): Promise<QueueReport> {
  const recipients = await loadRecipients(tx, tenantId, release.id);
  if (recipients.length === 0) return { queued: 0, skipped: 0 };
  const classification = classify(event, {
    change_kinds: release.change_log.map((entry) => entry.kind),
    touches_pricing_promotions_or_claims: release.compliance.touches_pricing_promotions_or_claims === true,
  });
  const subject = subjectFor(event, release.project_name, release.version);
  const report: QueueReport = { queued: 0, skipped: 0 };
  const rows = recipients.map((recipient) => {
    const decision = decideSend(classification, recipient);
    if (decision.send) report.queued++;
    else report.skipped++;
    return {
      id: uuidv7(now.getTime()),
      tenantId,
      releaseId: release.id,
      contactId: recipient.contact_id,
      memberId: recipient.member_id,
      event,
      classification,
      subject,
      status: decision.send ? "queued" : "skipped",
      skipReason: decision.send ? null : decision.reason,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
  });
  await tx.insert(outboxMessages).values(rows);
  return report;
}

/**
 * An alert to the people who must act, not to the communication list: the release's release
 * manager and every active owner with an address. Factual; queued like any message and sent by
 * the same drain (which lets alerts through without the list check).
 */
export async function queueMemberAlert(
  tx: Tx,
  tenantId: string,
  release: ReleaseForQueue & { release_manager_id: string | null },
  event: NotificationEvent,
  now: Date,
): Promise<QueueReport> {
  const result = await tx.execute(sql`
    select m.id from members m
    where m.tenant_id = ${tenantId} and m.deactivated_at is null and m.email is not null
      and (m.role = 'owner' or m.id = ${release.release_manager_id})
    order by m.id`);
  const memberIds = (result.rows as { id: string }[]).map((row) => row.id);
  if (memberIds.length === 0) return { queued: 0, skipped: 0 };
  const subject = subjectFor(event, release.project_name, release.version);
  await tx.insert(outboxMessages).values(
    memberIds.map((memberId) => ({
      id: uuidv7(now.getTime()),
      tenantId,
      releaseId: release.id,
      contactId: null,
      memberId,
      event,
      classification: "factual" as const,
      subject,
      status: "queued",
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  return { queued: memberIds.length, skipped: 0 };
}
