import { and, asc, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import {
  approvalRequests,
  type ContactRow,
  contacts,
  members,
  outboxMessages,
  releaseRecipients,
  signOffs,
} from "../schema";
import type { Tx } from "../scope";

export async function listContacts(
  tx: Tx,
  tenantId: string,
  filter: { clientId?: string | undefined },
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, tenantId),
        filter.clientId ? eq(contacts.clientId, filter.clientId) : undefined,
        after ? gt(contacts.id, after) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(limit + 1);
}

export async function findContact(tx: Tx, tenantId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)));
  return row;
}

export async function insertContact(tx: Tx, values: typeof contacts.$inferInsert): Promise<ContactRow> {
  const [row] = await tx.insert(contacts).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateContact(
  tx: Tx,
  tenantId: string,
  id: string,
  changes: Partial<typeof contacts.$inferInsert>,
): Promise<ContactRow | undefined> {
  const [row] = await tx
    .update(contacts)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
    .returning();
  return row;
}

export async function emailTaken(tx: Tx, tenantId: string, email: string, exceptId?: string) {
  const [row] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, tenantId),
        sql`lower(${contacts.email}) = lower(${email})`,
        exceptId ? sql`${contacts.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function contactLists(tx: Tx, tenantId: string, contactId: string) {
  return tx
    .select({ releaseId: releaseRecipients.releaseId, role: releaseRecipients.role })
    .from(releaseRecipients)
    .where(and(eq(releaseRecipients.tenantId, tenantId), eq(releaseRecipients.contactId, contactId)));
}

export async function contactMessages(tx: Tx, tenantId: string, contactId: string) {
  return tx
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.contactId, contactId)))
    .orderBy(desc(outboxMessages.createdAt))
    .limit(1000);
}

/** Messages still waiting for a contact are settled at once with the reason. */
export async function skipPendingFor(
  tx: Tx,
  tenantId: string,
  who: { contactId: string } | { memberId: string },
  reason: string,
  now: Date,
) {
  await tx
    .update(outboxMessages)
    .set({ status: "skipped", skipReason: reason, updatedAt: now })
    .where(
      and(
        eq(outboxMessages.tenantId, tenantId),
        "contactId" in who
          ? eq(outboxMessages.contactId, who.contactId)
          : eq(outboxMessages.memberId, who.memberId),
        inArray(outboxMessages.status, ["queued", "retrying"]),
      ),
    );
}

/**
 * APP 11.2: blanks everything that identifies the person and keeps the row (id,
 * dates, consent basis) as a pseudonymous trace; every message to them loses
 * its address and body, and what was still waiting is skipped as erased. Their approval links
 * stop working (pending requests are withdrawn) and what they wrote with an answer is blanked;
 * the answers themselves stay as the record (the gates set an erased contact's aside).
 */
export async function eraseContact(tx: Tx, tenantId: string, contactId: string, now: Date) {
  await skipPendingFor(tx, tenantId, { contactId }, "erased", now);
  await tx
    .update(approvalRequests)
    .set({
      status: sql`case when ${approvalRequests.status} = 'pending' then 'withdrawn' else ${approvalRequests.status} end`,
      withdrawnAt: sql`case when ${approvalRequests.status} = 'pending' then ${now} else ${approvalRequests.withdrawnAt} end`,
      decisionNote: null,
    })
    .where(and(eq(approvalRequests.tenantId, tenantId), eq(approvalRequests.contactId, contactId)));
  await tx
    .update(signOffs)
    .set({ note: null })
    .where(and(eq(signOffs.tenantId, tenantId), eq(signOffs.contactId, contactId)));
  await tx
    .update(outboxMessages)
    .set({ toAddress: null, bodyText: null, bodyHtml: null, updatedAt: now })
    .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.contactId, contactId)));
  const [row] = await tx
    .update(contacts)
    .set({
      name: null,
      email: null,
      role: null,
      consentMethod: null,
      consentEvidence: null,
      erasedAt: now,
      updatedAt: now,
    })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)))
    .returning({ id: contacts.id });
  return row !== undefined;
}

/**
 * Revokes every unsubscribe link a person holds by raising their link epoch; the next message
 * carries a link under the new epoch. False when there is no such person in the agency.
 */
export async function revokeUnsubscribeLinks(
  tx: Tx,
  tenantId: string,
  person: { contactId: string } | { memberId: string },
): Promise<boolean> {
  const rows =
    "contactId" in person
      ? await tx
          .update(contacts)
          .set({ linkEpoch: sql`${contacts.linkEpoch} + 1` })
          .where(
            and(
              eq(contacts.tenantId, tenantId),
              eq(contacts.id, person.contactId),
              isNull(contacts.erasedAt),
            ),
          )
          .returning({ id: contacts.id })
      : await tx
          .update(members)
          .set({ linkEpoch: sql`${members.linkEpoch} + 1` })
          .where(and(eq(members.tenantId, tenantId), eq(members.id, person.memberId)))
          .returning({ id: members.id });
  return rows.length > 0;
}
