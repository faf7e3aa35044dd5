import { and, desc, eq, lt } from "drizzle-orm";
import type { AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import { findReleaseFacts } from "../../db/repositories/release-facts";
import { outboxMessages } from "../../db/schema";
import type { Tx } from "../../db/scope";
import { maskEmail, SKIP_REASON_TEXT, type SkipReason } from "../../domain/notifications";
import { decodeCursor, toPage } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { redactApprovalLinks } from "../../lib/redact";
import { loadCommunicationList } from "../../notifications/communication-list";
import { renderStoredOrPreview } from "../../notifications/send";
import { emailSettings } from "../../notifications/settings";
import { sendReleaseCommand } from "../releases/command-route";
import type {
  cancelNotification,
  cancelReleaseNotifications,
  getNotification,
  getRecipients,
  listNotifications,
  putRecipients,
} from "./routes";
import type { NotificationStatus } from "./schemas";

const MANAGERS: readonly string[] = ["owner", "release_manager"];

export const getRecipientsHandler: AppRouteHandler<typeof getRecipients> = async (c) => {
  const { id } = c.req.valid("param");
  const body = await withTenant(c, async ({ tx, actor }) => {
    if (!(await findReleaseFacts(tx, actor.tenantId, id))) throw notFound("The release");
    const list = await loadCommunicationList(tx, actor.tenantId, id);
    const mask = !MANAGERS.includes(actor.role);
    return {
      release_id: id,
      recipients: list.map((entry) => ({ ...entry, email: mask ? maskEmail(entry.email) : entry.email })),
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
  "Email is not configured (no RESEND_API_KEY): queued messages stay queued and nothing is sent until it is; the release manager or an owner can cancel them (POST /v1/releases/{id}/notifications/cancel).";

type OutboxRow = typeof outboxMessages.$inferSelect;

/** A message as members see it: the address in full for owners only (APP 3), masked for others. */
function presentNotification(row: OutboxRow, reader: { role: string }, configured: boolean) {
  const unsettled = row.status === "queued" || row.status === "retrying";
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
      address: reader.role === "owner" ? row.toAddress : maskEmail(row.toAddress),
    },
    subject: row.subject,
    status: row.status as NotificationStatus,
    skip_reason: reason,
    cancel_reason: row.cancelReason,
    cancelled_by: row.cancelledBy,
    skip_detail: reason
      ? (SKIP_REASON_TEXT[reason] ?? null)
      : unsettled && !configured
        ? NOT_CONFIGURED
        : null,
    attempts: row.attempts,
    next_attempt_at: unsettled ? row.nextAttemptAt.toISOString() : null,
    last_error: row.lastError,
    sent_at: row.sentAt ? row.sentAt.toISOString() : null,
    created_at: row.createdAt.toISOString(),
  };
}

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
    return toPage(rows, limit, (row) => presentNotification(row, actor, configured));
  });
  return c.json({ ...page, email_configured: configured, note: configured ? null : NOT_CONFIGURED }, 200);
};

async function findMessage(tx: Tx, tenantId: string, id: string): Promise<OutboxRow | undefined> {
  const [row] = await tx
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.id, id)));
  return row;
}

export const getNotificationHandler: AppRouteHandler<typeof getNotification> = async (c) => {
  const { id } = c.req.valid("param");
  const config = c.get("config");
  const { row, actor } = await withTenant(c, async ({ tx, actor }) => ({
    row: await findMessage(tx, actor.tenantId, id),
    actor,
  }));
  if (!row) throw notFound("The message");
  // The bodies greet the recipient by name and carry their unsubscribe link: for the people who
  // run the communication (owners, release managers) only.
  const rendered = MANAGERS.includes(actor.role)
    ? await renderStoredOrPreview(c.get("database"), emailSettings(config), row.id)
    : null;
  return c.json(
    {
      ...presentNotification(row, actor, config.RESEND_API_KEY !== undefined),
      rendered: rendered
        ? {
            subject: rendered.subject,
            text: redactApprovalLinks(rendered.text),
            html: redactApprovalLinks(rendered.html),
            preview: rendered.preview,
          }
        : null,
    },
    200,
  );
};

export const cancelNotificationHandler: AppRouteHandler<typeof cancelNotification> = async (c) => {
  const { id } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  const row = await withTenant(c, ({ tx, actor }) => findMessage(tx, actor.tenantId, id));
  if (!row?.releaseId) throw notFound("The message");
  const outcome = await sendReleaseCommand(c, row.releaseId, {
    name: "cancel_messages",
    input: { message_ids: [id], reason },
  });
  return c.json(outcome.body as never, 200);
};

export const cancelReleaseNotificationsHandler: AppRouteHandler<typeof cancelReleaseNotifications> = async (
  c,
) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const outcome = await sendReleaseCommand(c, id, { name: "cancel_messages", input });
  return c.json(outcome.body as never, 200);
};
