import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppContext } from "../../app/context";
import { createRouter } from "../../app/create-app";
import { errorResponses } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { tenants } from "../../db/schema";
import { inTenantScope } from "../../db/scope";
import { escapeHtml } from "../../domain/notifications";
import { PAGE_HEADERS, page } from "../../notifications/pages";
import {
  addressHash,
  type SenderConfirmationLink,
  verifySenderConfirmation,
} from "../../notifications/sender-confirmation";
import { linkKeysOf } from "../../notifications/unsubscribe-token";

// The link emailed to an agency's sender address (src/notifications/sender-confirmation.ts). GET
// only shows a page with a button, because mail scanners follow links; the button's POST confirms.
// It confirms only the address the agency has set now: a link for an address since replaced is
// not valid.

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
  operationId: "showSenderConfirmationPage",
  ...(OPENAPI_DOCS && {
    description:
      "The page the confirmation link emailed to an agency's sender address opens: it names the agency and offers a Confirm button. Opening it changes nothing.",
    summary: "Sender address confirmation page (does not confirm)",
  }),
  security: [],
  method: "get",
  path: "/c/{token}",
  tags: ["Agency"],
  request: { params: TokenParams },
  responses: {
    200: html("A page with a Confirm button."),
    404: html("The link is not valid, has expired, or is for an address the agency no longer uses."),
    ...errorResponses<never>(),
  },
});

const postRoute = createRoute({
  operationId: "confirmSenderAddress",
  security: [],
  method: "post",
  path: "/c/{token}",
  tags: ["Agency"],
  ...(OPENAPI_DOCS && {
    summary: "Confirm the agency's sender address (no login)",
    description:
      "From now on the agency's release emails carry this address as Reply-To. Confirming twice is harmless.",
  }),
  request: { params: TokenParams },
  responses: {
    200: html("Confirmed."),
    404: html("The link is not valid, has expired, or is for an address the agency no longer uses."),
    ...errorResponses(413),
  },
});

function invalid(c: AppContext) {
  return c.html(
    page({
      title: "Link not valid",
      noindex: true,
      body: "<h1>This confirmation link is not valid</h1><p>It may have been altered, have expired (links work for 48 hours), or be for an address the agency has since replaced. Ask the agency to send a new link.</p>",
    }),
    404,
    PAGE_HEADERS,
  );
}

const invalidWhenMalformed = (result: { success: boolean }, c: AppContext) =>
  result.success ? undefined : (invalid(c) as never);

/** The agency's display name when the link is for the address it has set now; else null. */
async function currentAgency(
  c: AppContext,
  link: SenderConfirmationLink,
  confirmAt?: Date,
): Promise<string | null> {
  return inTenantScope(c.get("database"), link.tenantId, async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, link.tenantId));
    if (!tenant?.senderEmail || (await addressHash(tenant.senderEmail)) !== link.addressHash) return null;
    if (confirmAt && !tenant.senderEmailConfirmedAt) {
      await tx
        .update(tenants)
        .set({ senderEmailConfirmedAt: confirmAt, updatedAt: confirmAt })
        .where(eq(tenants.id, link.tenantId));
    }
    return tenant.senderName ?? tenant.name;
  });
}

const linkKeys = (c: AppContext) => linkKeysOf(c.get("config"));

export const senderConfirmationRouter = createRouter()
  .openapi(
    getRoute,
    async (c) => {
      const link = await verifySenderConfirmation(linkKeys(c), c.req.valid("param").token);
      const agency = link ? await currentAgency(c, link) : null;
      if (agency === null) return invalid(c) as never;
      const body = [
        "<h1>Confirm your address</h1>",
        `<p><strong>${escapeHtml(agency)}</strong> asked for replies to its release emails to come to this address.</p>`,
        '<form method="post"><button type="submit">Confirm</button></form>',
        "<p>If you did not expect this, close this page: nothing changes.</p>",
      ].join("\n");
      return c.html(page({ title: "Confirm your address", noindex: true, body }), 200, PAGE_HEADERS) as never;
    },
    invalidWhenMalformed,
  )
  .openapi(
    postRoute,
    async (c) => {
      const link = await verifySenderConfirmation(linkKeys(c), c.req.valid("param").token);
      const agency = link ? await currentAgency(c, link, new Date()) : null;
      if (agency === null) return invalid(c) as never;
      return c.html(
        page({
          title: "Address confirmed",
          noindex: true,
          body: `<h1>Address confirmed</h1><p>Replies to ${escapeHtml(agency)}'s release emails will come to this address.</p>`,
        }),
        200,
        PAGE_HEADERS,
      ) as never;
    },
    invalidWhenMalformed,
  );
