import { and, eq, inArray, isNull } from "drizzle-orm";
import { contacts, members, releaseRecipients } from "../../db/schema";
import { ApiError } from "../../lib/problem";
import { type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertNotTerminal } from "./guards";

export interface RecipientsInput {
  contacts: { contact_id: string; role: string }[];
  members: { member_id: string; role: string }[];
}

/**
 * Replaces the release's communication list: stakeholder contacts and team
 * members, each with a role. Erased contacts and deactivated members cannot be
 * added. The audit trail records ids and counts only (no names or addresses).
 */
export async function setRecipients(ctx: OperationContext, input: RecipientsInput) {
  assertNotTerminal(ctx, "its communication list");
  const contactIds = [...new Set(input.contacts.map((entry) => entry.contact_id))];
  const memberIds = [...new Set(input.members.map((entry) => entry.member_id))];
  if (contactIds.length !== input.contacts.length || memberIds.length !== input.members.length) {
    throw new ApiError("bad_request", "List each contact and member once.");
  }
  if (contactIds.length > 0) {
    const found = await ctx.tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        and(eq(contacts.tenantId, ctx.tenantId), inArray(contacts.id, contactIds), isNull(contacts.erasedAt)),
      );
    const known = new Set(found.map((row) => row.id));
    const missing = contactIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw new ApiError("unprocessable", `Unknown or erased contact(s): ${missing.join(", ")}.`, {
        errors: missing.map((id) => ({ path: "body.contacts", message: `no contact ${id}` })),
      });
    }
  }
  if (memberIds.length > 0) {
    const found = await ctx.tx
      .select({ id: members.id })
      .from(members)
      .where(
        and(
          eq(members.tenantId, ctx.tenantId),
          inArray(members.id, memberIds),
          isNull(members.deactivatedAt),
        ),
      );
    const known = new Set(found.map((row) => row.id));
    const missing = memberIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw new ApiError("unprocessable", `Unknown or deactivated member(s): ${missing.join(", ")}.`, {
        errors: missing.map((id) => ({ path: "body.members", message: `no member ${id}` })),
      });
    }
  }
  await ctx.tx
    .delete(releaseRecipients)
    .where(and(eq(releaseRecipients.tenantId, ctx.tenantId), eq(releaseRecipients.releaseId, ctx.state.id)));
  const rows = [
    ...input.contacts.map((entry) => ({
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      contactId: entry.contact_id,
      role: entry.role,
    })),
    ...input.members.map((entry) => ({
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      memberId: entry.member_id,
      role: entry.role,
    })),
  ];
  if (rows.length > 0) await ctx.tx.insert(releaseRecipients).values(rows);
  await writeRelease(ctx, {});
  await recordEvent(ctx, "recipients_set", {
    contacts: input.contacts.map((entry) => ({ contact_id: entry.contact_id, role: entry.role })),
    members: input.members.map((entry) => ({ member_id: entry.member_id, role: entry.role })),
  });
  return { release_id: ctx.state.id, contacts: input.contacts.length, members: input.members.length };
}
