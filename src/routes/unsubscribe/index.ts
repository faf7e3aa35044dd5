import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../../app/context";
import { createRouter } from "../../app/create-app";
import { errorResponses } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { skipPendingFor } from "../../db/repositories/contacts";
import { contacts, members, releaseRecipients, tenants } from "../../db/schema";
import { inTenantScope, type Tx } from "../../db/scope";
import { escapeHtml } from "../../domain/notifications";
import { PAGE_HEADERS, page } from "../../notifications/pages";
import {
  linkKeysOf,
  type VerifiedUnsubscribeLink,
  verifyUnsubscribeToken,
} from "../../notifications/unsubscribe-token";

// Unsubscribe without login (Spam Act s18, RFC 8058). GET only shows a page with a
// button, because mail scanners follow links; POST — the button, or a mail client's
// one-click `List-Unsubscribe=One-Click` — unsubscribes. The link carries ids only.

const TokenParams = z.object({
  token: z
    .string()
    .max(2000)
    .openapi({
      param: { name: "token", in: "path" },
      ...(OPENAPI_DOCS && { description: "The signed link token." }),
    }),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

const getRoute = createRoute({
  operationId: "showUnsubscribePage",
  ...(OPENAPI_DOCS && {
    description:
      "The page an unsubscribe link opens: it names the agency and offers a button. Mail scanners follow links, so opening it changes nothing.",
    summary: "Unsubscribe confirmation page (does not unsubscribe)",
  }),
  security: [],
  method: "get",
  path: "/u/{token}",
  tags: ["Unsubscribe"],
  request: { params: TokenParams },
  responses: {
    200: html("A page with an Unsubscribe button."),
    404: html("The link is not valid or has expired."),
    ...errorResponses<never>(),
  },
});

const postRoute = createRoute({
  operationId: "unsubscribe",
  security: [],
  method: "post",
  path: "/u/{token}",
  tags: ["Unsubscribe"],
  ...(OPENAPI_DOCS && {
    summary: "Unsubscribe (RFC 8058 one-click; no login)",
    description:
      "Takes effect at once: messages still waiting for the person are skipped and nothing more is sent to them. The body (`List-Unsubscribe=One-Click`) is accepted but not required.",
  }),
  request: { params: TokenParams },
  responses: {
    200: html("Unsubscribed."),
    404: html("The link is not valid or has expired."),
    // The 1 MiB body limit applies to every route; a one-click body is a few bytes.
    ...errorResponses(413),
  },
});

function invalid(c: AppContext) {
  return c.html(
    page({
      title: "Link not valid",
      noindex: true,
      body: "<h1>This unsubscribe link is not valid</h1><p>It may have been altered, have expired or have been replaced by the link in a newer email. Use the link in the latest email you received, or reply to it and ask to be removed; the sender must honour it.</p>",
    }),
    404,
    PAGE_HEADERS,
  );
}

// A token longer than any we sign is not a link of ours: the same page as any other invalid link.
const invalidWhenMalformed = (result: { success: boolean }, c: AppContext) =>
  result.success ? undefined : (invalid(c) as never);

/** Whether the link was issued under the person's current link epoch (raising it revokes links). */
async function linkIsCurrent(tx: Tx, link: VerifiedUnsubscribeLink): Promise<boolean> {
  const [row] =
    "contactId" in link
      ? await tx
          .select({ epoch: contacts.linkEpoch })
          .from(contacts)
          .where(and(eq(contacts.tenantId, link.tenantId), eq(contacts.id, link.contactId)))
      : await tx
          .select({ epoch: members.linkEpoch })
          .from(members)
          .where(and(eq(members.tenantId, link.tenantId), eq(members.id, link.memberId)));
  // An erased contact has no row: its link has nothing left to unsubscribe, and says so.
  return row !== undefined && row.epoch === link.epoch;
}

async function agencyName(c: AppContext, link: VerifiedUnsubscribeLink): Promise<string | null> {
  return inTenantScope(c.get("database"), link.tenantId, async (tx) => {
    if (!(await linkIsCurrent(tx, link))) return null;
    const [row] = await tx
      .select({ name: tenants.name, senderName: tenants.senderName })
      .from(tenants)
      .where(eq(tenants.id, link.tenantId));
    return row ? (row.senderName ?? row.name) : null;
  });
}

const linkKeys = (c: AppContext) => linkKeysOf(c.get("config"));

export const unsubscribeRouter = createRouter()
  .openapi(
    getRoute,
    async (c) => {
      const { token } = c.req.valid("param");
      const subject = await verifyUnsubscribeToken(linkKeys(c), token);
      const agency = subject ? await agencyName(c, subject) : null;
      if (!subject || agency === null) return invalid(c) as never;
      const body = [
        "<h1>Unsubscribe from release emails</h1>",
        `<p>Stop receiving release emails from <strong>${escapeHtml(agency)}</strong>? You will not be asked for anything else.</p>`,
        '<form method="post"><button type="submit">Unsubscribe</button></form>',
      ].join("\n");
      return c.html(page({ title: "Unsubscribe", noindex: true, body }), 200, PAGE_HEADERS) as never;
    },
    invalidWhenMalformed,
  )
  .openapi(
    postRoute,
    async (c) => {
      const { token } = c.req.valid("param");
      const subject = await verifyUnsubscribeToken(linkKeys(c), token);
      if (!subject) return invalid(c) as never;
      const now = new Date();
      const agency = await inTenantScope(c.get("database"), subject.tenantId, async (tx) => {
        const [tenant] = await tx
          .select({ name: tenants.name, senderName: tenants.senderName })
          .from(tenants)
          .where(eq(tenants.id, subject.tenantId));
        if (!tenant || !(await linkIsCurrent(tx, subject))) return null;
        if ("contactId" in subject) {
          await tx
            .update(contacts)
            .set({ unsubscribedAt: now, updatedAt: now })
            .where(
              and(
                eq(contacts.tenantId, subject.tenantId),
                eq(contacts.id, subject.contactId),
                isNull(contacts.unsubscribedAt),
              ),
            );
          await skipPendingFor(tx, subject.tenantId, { contactId: subject.contactId }, "unsubscribed", now);
        } else {
          // Team members have no subscription of their own: leaving takes them off every communication list.
          await tx
            .delete(releaseRecipients)
            .where(
              and(
                eq(releaseRecipients.tenantId, subject.tenantId),
                eq(releaseRecipients.memberId, subject.memberId),
              ),
            );
          await skipPendingFor(tx, subject.tenantId, { memberId: subject.memberId }, "unsubscribed", now);
        }
        return tenant.senderName ?? tenant.name;
      });
      if (agency === null) return invalid(c) as never;
      return c.html(
        page({
          title: "Unsubscribed",
          noindex: true,
          body: `<h1>You are unsubscribed</h1><p>${escapeHtml(agency)} will not send you release emails any more.</p>`,
        }),
        200,
        PAGE_HEADERS,
      ) as never;
    },
    invalidWhenMalformed,
  );
