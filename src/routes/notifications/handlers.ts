import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import { findReleaseFacts } from "../../db/repositories/release-facts";
import { contacts, members, outboxMessages } from "../../db/schema";
import { decideSend, maskEmail, SKIP_REASON_TEXT, type SkipReason } from "../../domain/notifications";
import { decodeCursor, toPage } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { loadRecipients } from "../../notifications/queue";
import { sendReleaseCommand } from "../releases/command-route";
import type { getRecipients, listNotifications, putRecipients } from "./routes";

const MANAGERS: readonly string[] = ["owner", "release_manager"];

export const getRecipientsHandler: AppRouteHandler<typeof getRecipients> = async (c) => {
  const { id } = c.req.valid("param");
  const body = await withTenant(c, async ({ tx, actor }) => {
    if (!(await findReleaseFacts(tx, actor.tenantId, id))) throw notFound("The release");
    const rows = await loadRecipients(tx, actor.tenantId, id);
    const contactIds = rows.flatMap((row) => (row.contact_id ? [row.contact_id] : []));
    const memberIds = rows.flatMap((row) => (row.member_id ? [row.member_id] : []));
    const contactNames = new Map(
      contactIds.length === 0
        ? []
        : (
            await tx
              .select({ id: contacts.id, name: contacts.name })
              .from(contacts)
              .where(and(eq(contacts.tenantId, actor.tenantId), inArray(contacts.id, contactIds)))
          ).map((row) => [row.id, row.name]),
    );
    const memberNames = new Map(
      memberIds.length === 0
        ? []
        : (
            await tx
              .select({ id: members.id, name: members.name })
              .from(members)
              .where(and(eq(members.tenantId, actor.tenantId), inArray(members.id, memberIds)))
          ).map((row) => [row.id, row.name]),
    );
    const mask = !MANAGERS.includes(actor.role);
    return {
      release_id: id,
      recipients: rows.map((row) => {
        const factual = decideSend("factual", row);
        const commercial = decideSend("commercial", row);
        const reason = !commercial.send ? SKIP_REASON_TEXT[commercial.reason] : null;
        return {
          kind: row.contact_id ? ("contact" as const) : ("member" as const),
          contact_id: row.contact_id,
          member_id: row.member_id,
          role: row.role,
          name: row.contact_id
            ? (contactNames.get(row.contact_id) ?? null)
            : (memberNames.get(row.member_id ?? "") ?? null),
          email: mask ? maskEmail(row.email) : row.email,
          will_receive: { factual: factual.send, commercial: commercial.send, reason },
        };
      }),
    };
  });
  return c.json(body, 200);
};

export const putRecipientsHandler: AppRouteHandler<typeof putRecipients> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const outcome = await sendReleaseCommand(c, id, { name: "set_recipients", input });
  return c.json(outcome.body as never, 200);
};

const NOT_CONFIGURED =
  "Email is not configured (no RESEND_API_KEY): queued messages stay queued and nothing is sent until it is.";

export const listNotificationsHandler: AppRouteHandler<typeof listNotifications> = async (c) => {
  const { limit, cursor, release_id } = c.req.valid("query");
  const before = decodeCursor(cursor);
  const configured = c.get("config").RESEND_API_KEY !== undefined;
  const page = await withTenant(c, async ({ tx, actor }) => {
    if (release_id && !(await findReleaseFacts(tx, actor.tenantId, release_id)))
      throw notFound("The release");
    const rows = await tx
      .select()
      .from(outboxMessages)
      .where(
        and(
          eq(outboxMessages.tenantId, actor.tenantId),
          release_id ? eq(outboxMessages.releaseId, release_id) : undefined,
          before ? lt(outboxMessages.id, before) : undefined,
        ),
      )
      .orderBy(desc(outboxMessages.id))
      .limit(limit + 1);
    return toPage(rows, limit, (row) => {
      const pending = row.status === "queued" || row.status === "failed";
      const reason = row.skipReason as SkipReason | null;
      return {
        id: row.id,
        release_id: row.releaseId,
        event: row.event,
        classification: row.classification as "factual" | "commercial",
        recipient: {
          kind: row.contactId ? ("contact" as const) : ("member" as const),
          contact_id: row.contactId,
          member_id: row.memberId,
          address: maskEmail(row.toAddress),
        },
        subject: row.subject,
        status: row.status as "queued" | "sending" | "sent" | "skipped" | "failed",
        skip_reason: reason,
        skip_detail: reason
          ? (SKIP_REASON_TEXT[reason] ?? null)
          : pending && !configured
            ? NOT_CONFIGURED
            : null,
        attempts: row.attempts,
        next_attempt_at: pending ? row.nextAttemptAt.toISOString() : null,
        last_error: row.lastError,
        sent_at: row.sentAt ? row.sentAt.toISOString() : null,
        created_at: row.createdAt.toISOString(),
      };
    });
  });
  return c.json({ ...page, email_configured: configured, note: configured ? null : NOT_CONFIGURED }, 200);
};
