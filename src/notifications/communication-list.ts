import { and, eq, inArray } from "drizzle-orm";
import { contacts, members } from "../db/schema";
import type { Tx } from "../db/scope";
import { decideSend, SKIP_REASON_TEXT } from "../domain/notifications";
import { loadRecipients } from "./queue";

/** One person on a release's communication list, and whether each kind of message will reach them. */
export interface CommunicationListEntry {
  kind: "contact" | "member";
  contact_id: string | null;
  member_id: string | null;
  role: string;
  name: string | null;
  /** In full; the caller masks or drops it for readers who may not see addresses. */
  email: string | null;
  will_receive: { factual: boolean; commercial: boolean; reason: string | null };
}

async function namesOf(tx: Tx, tenantId: string, table: typeof contacts | typeof members, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.id, ids)));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Who hears about this release (GET /v1/releases/{id}/recipients and the plan both show it). */
export async function loadCommunicationList(
  tx: Tx,
  tenantId: string,
  releaseId: string,
): Promise<CommunicationListEntry[]> {
  const rows = await loadRecipients(tx, tenantId, releaseId);
  const contactNames = await namesOf(
    tx,
    tenantId,
    contacts,
    rows.flatMap((row) => (row.contact_id ? [row.contact_id] : [])),
  );
  const memberNames = await namesOf(
    tx,
    tenantId,
    members,
    rows.flatMap((row) => (row.member_id ? [row.member_id] : [])),
  );
  return rows.map((row) => {
    const factual = decideSend("factual", row);
    const commercial = decideSend("commercial", row);
    return {
      kind: row.contact_id ? "contact" : "member",
      contact_id: row.contact_id,
      member_id: row.member_id,
      role: row.role,
      name: row.contact_id
        ? (contactNames.get(row.contact_id) ?? null)
        : (memberNames.get(row.member_id ?? "") ?? null),
      email: row.email,
      will_receive: {
        factual: factual.send,
        commercial: commercial.send,
        reason: !commercial.send ? SKIP_REASON_TEXT[commercial.reason] : null,
      },
    };
  });
}
