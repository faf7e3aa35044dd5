import { type Actor, requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { findClient } from "../../db/repositories/clients";
import {
  contactLists,
  contactMessages,
  emailTaken,
  eraseContact,
  findContact,
  insertContact,
  listContacts,
  revokeUnsubscribeLinks,
  updateContact,
} from "../../db/repositories/contacts";
import type { Tx } from "../../db/scope";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import {
  CONTACT_MANAGER_ROLES,
  type createContact,
  type deleteContact,
  type exportContact,
  type getContact,
  type listContacts as listContactsRoute,
  type patchContact,
  type revokeContactLinks,
} from "./routes";
import { presentContact } from "./schemas";

/** Engineers and viewers work with releases, not with people's addresses. */
const masks = (actor: Actor) => !(CONTACT_MANAGER_ROLES as readonly string[]).includes(actor.role);

async function assertClient(tx: Tx, tenantId: string, clientId: string | null | undefined) {
  if (clientId && !(await findClient(tx, tenantId, clientId))) {
    throw new ApiError("unprocessable", "client_id names no client of this agency.", {
      errors: [{ path: "body.client_id", message: "unknown client" }],
    });
  }
}

async function assertEmailFree(tx: Tx, tenantId: string, email: string, exceptId?: string) {
  if (await emailTaken(tx, tenantId, email, exceptId)) {
    throw new ApiError("conflict", "Another contact of this agency already has that email address.");
  }
}

type ConsentInput = {
  basis: "express" | "inferred";
  obtained_at: string;
  method: string;
  evidence?: string | null | undefined;
} | null;

function consentColumns(consent: ConsentInput) {
  return consent
    ? {
        consentBasis: consent.basis,
        consentAt: new Date(consent.obtained_at),
        consentMethod: consent.method,
        consentEvidence: consent.evidence ?? null,
      }
    : { consentBasis: "none", consentAt: null, consentMethod: null, consentEvidence: null };
}

export const listContactsHandler: AppRouteHandler<typeof listContactsRoute> = async (c) => {
  const { limit, cursor, client_id } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const page = await withTenant(c, async ({ tx, actor }) => {
    const rows = await listContacts(tx, actor.tenantId, { clientId: client_id }, after, limit);
    return toPage(rows, limit, (row) => presentContact(row, { mask: masks(actor) }));
  });
  return c.json(page, 200);
};

export const createContactHandler: AppRouteHandler<typeof createContact> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, CONTACT_MANAGER_ROLES, "Adding contacts");
    return idempotent(c, tx, actor.tenantId, async () => {
      await assertClient(tx, actor.tenantId, body.client_id);
      await assertEmailFree(tx, actor.tenantId, body.email);
      const row = await insertContact(tx, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        clientId: body.client_id ?? null,
        name: body.name,
        email: body.email,
        role: body.role ?? null,
        ...consentColumns(body.consent ?? null),
        ...(body.purpose ? { purpose: body.purpose } : {}),
      });
      return { status: 201 as const, body: presentContact(row, { mask: false }) };
    });
  });
  return respondCreated(c, `/v1/contacts/${result.body.id}`, result.body);
};

export const getContactHandler: AppRouteHandler<typeof getContact> = async (c) => {
  const { id } = c.req.valid("param");
  const body = await withTenant(c, async ({ tx, actor }) => {
    const row = await findContact(tx, actor.tenantId, id);
    if (!row) throw notFound("The contact");
    return presentContact(row, { mask: masks(actor) });
  });
  return c.json(body, 200);
};

export const patchContactHandler: AppRouteHandler<typeof patchContact> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const updated = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CONTACT_MANAGER_ROLES, "Correcting contacts");
    const current = await findContact(tx, actor.tenantId, id);
    if (!current) throw notFound("The contact");
    if (current.erasedAt)
      throw new ApiError("conflict", "The contact was erased; add the person again if needed.");
    await assertClient(tx, actor.tenantId, body.client_id);
    if (body.email !== undefined) await assertEmailFree(tx, actor.tenantId, body.email, id);
    const changes: Record<string, unknown> = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.email !== undefined) changes.email = body.email;
    if (body.role !== undefined) changes.role = body.role;
    if (body.client_id !== undefined) changes.clientId = body.client_id;
    if (body.purpose !== undefined) changes.purpose = body.purpose;
    if (body.consent !== undefined) {
      Object.assign(changes, consentColumns(body.consent));
      // Express consent given after an unsubscribe is the person opting back in.
      if (
        body.consent?.basis === "express" &&
        current.unsubscribedAt &&
        new Date(body.consent.obtained_at) > current.unsubscribedAt
      ) {
        changes.unsubscribedAt = null;
      }
    }
    // A corrected address is a new address: an old bounce or complaint does not carry over.
    if (body.email !== undefined && body.email.toLowerCase() !== (current.email ?? "").toLowerCase()) {
      changes.suppressedAt = null;
      changes.suppressionReason = null;
    }
    return updateContact(tx, actor.tenantId, id, changes);
  });
  if (!updated) throw notFound("The contact");
  return c.json(presentContact(updated, { mask: false }), 200);
};

export const deleteContactHandler: AppRouteHandler<typeof deleteContact> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CONTACT_MANAGER_ROLES, "Erasing contacts");
    const current = await findContact(tx, actor.tenantId, id);
    if (!current) throw notFound("The contact");
    await eraseContact(tx, actor.tenantId, id, new Date());
  });
  return c.body(null, 204);
};

export const revokeContactLinksHandler: AppRouteHandler<typeof revokeContactLinks> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CONTACT_MANAGER_ROLES, "Revoking a person's unsubscribe links");
    if (!(await revokeUnsubscribeLinks(tx, actor.tenantId, { contactId: id }))) throw notFound("The contact");
  });
  return c.body(null, 204);
};

export const exportContactHandler: AppRouteHandler<typeof exportContact> = async (c) => {
  const { id } = c.req.valid("param");
  const body = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CONTACT_MANAGER_ROLES, "Exporting a person's data");
    const row = await findContact(tx, actor.tenantId, id);
    if (!row) throw notFound("The contact");
    const lists = await contactLists(tx, actor.tenantId, id);
    const messages = await contactMessages(tx, actor.tenantId, id);
    return {
      generated_at: new Date().toISOString(),
      contact: presentContact(row, { mask: false }),
      communication_lists: lists.map((list) => ({ release_id: list.releaseId, role: list.role })),
      messages: messages.map((message) => ({
        id: message.id,
        release_id: message.releaseId,
        event: message.event,
        classification: message.classification,
        status: message.status,
        skip_reason: message.skipReason,
        to_address: message.toAddress,
        subject: message.subject,
        body_text: message.bodyText,
        sent_at: message.sentAt ? message.sentAt.toISOString() : null,
        created_at: message.createdAt.toISOString(),
      })),
      notes: [
        `Purpose: ${row.purpose}.`,
        "Messages are sent through Resend (an overseas email provider); their bodies and addresses are deleted after the agency's retention period.",
        "The audit trail of releases refers to people by id only.",
      ],
    };
  });
  return c.json(body, 200);
};
