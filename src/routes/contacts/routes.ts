import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createdContent,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  mayBeReplayed,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES, type Role } from "../../lib/auth/tokens";
import {
  ContactCreateSchema,
  ContactExportSchema,
  ContactListQuery,
  ContactPageSchema,
  ContactPatchSchema,
  ContactSchema,
} from "./schemas";

const ContactParams = z.object({ id: UuidParam("id", "Contact id.") });
const TAGS = ["Contacts"];

/**
 * Who may add, correct, erase and export contacts (`x-roles` and the handlers' role check); the
 * other roles read contacts with their addresses masked.
 */
export const CONTACT_MANAGER_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

export const listContacts = createRoute({
  operationId: "listContacts",
  ...(OPENAPI_DOCS && {
    description:
      "Client stakeholders with their role, client and consent record. Owners and release managers see addresses; engineers and viewers see them masked.",
    summary: "List stakeholder contacts (emails masked for engineers and viewers)",
  }),
  method: "get",
  path: "/v1/contacts",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery.extend(ContactListQuery.shape) },
  responses: {
    200: jsonContent(ContactPageSchema, "A page of contacts."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createContact = createRoute({
  operationId: "createContact",
  method: "post",
  path: "/v1/contacts",
  tags: TAGS,
  ...(OPENAPI_DOCS && {
    summary: "Add a stakeholder contact with its consent record (owner, release manager)",
    description:
      "Collect only what release communication needs (APP 3): name, email, role. Without a consent record the contact receives factual release messages only; commercial ones (release notes that announce features or touch pricing) need express or inferred consent.",
  }),
  security: bearerSecurity,
  "x-roles": CONTACT_MANAGER_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(ContactCreateSchema) },
  responses: {
    201: mayBeReplayed(createdContent(ContactSchema, "The new contact.", "/v1/contacts/{id}")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getContact = createRoute({
  operationId: "getContact",
  ...(OPENAPI_DOCS && {
    description:
      "One stakeholder with consent record and unsubscribe state; the address is masked for engineers and viewers.",
    summary: "One contact (email masked for engineers and viewers)",
  }),
  method: "get",
  path: "/v1/contacts/{id}",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ContactParams },
  responses: { 200: jsonContent(ContactSchema, "The contact."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchContact = createRoute({
  operationId: "patchContact",
  ...(OPENAPI_DOCS && {
    description:
      "Corrects a stakeholder's details or consent record (APP 13). A changed address needs consent again before commercial messages.",
    summary: "Correct a contact (APP 13; owner, release manager)",
  }),
  method: "patch",
  path: "/v1/contacts/{id}",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": CONTACT_MANAGER_ROLES,
  request: { params: ContactParams, body: jsonBody(ContactPatchSchema) },
  responses: {
    200: jsonContent(ContactSchema, "The corrected contact."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteContact = createRoute({
  operationId: "deleteContact",
  method: "delete",
  path: "/v1/contacts/{id}",
  tags: TAGS,
  ...(OPENAPI_DOCS && {
    summary: "Erase a contact (APP 11.2; owner, release manager)",
    description:
      "Blanks the name, email, role and consent details, and the addresses and bodies of every message to them; pending messages are skipped. The row stays as a pseudonymous trace (its id and dates) so the release history still adds up.",
  }),
  security: bearerSecurity,
  "x-roles": CONTACT_MANAGER_ROLES,
  request: { params: ContactParams },
  responses: { 204: { description: "Erased." }, ...errorResponses(...TENANT_READ_ERRORS) },
});

export const revokeContactLinks = createRoute({
  operationId: "revokeContactLinks",
  method: "post",
  path: "/v1/contacts/{id}/revoke-links",
  tags: TAGS,
  ...(OPENAPI_DOCS && {
    summary: "Revoke the contact's unsubscribe links (owner, release manager)",
    description:
      "Every unsubscribe link already sent to the person stops working at once (its page says to use the link in a newer email); the next message carries a new one. For a link that was forwarded or leaked. Their subscription itself is unchanged.",
  }),
  security: bearerSecurity,
  "x-roles": CONTACT_MANAGER_ROLES,
  request: { params: ContactParams },
  responses: {
    204: { description: "Revoked." },
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const exportContact = createRoute({
  operationId: "exportContact",
  ...(OPENAPI_DOCS && {
    description:
      "Everything held about one person: details, consent record, communication lists and messages sent, for a Privacy Act access request (APP 12).",
    summary: "Everything held about the person, for an access request (APP 12; owner, release manager)",
  }),
  method: "get",
  path: "/v1/contacts/{id}/export",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": CONTACT_MANAGER_ROLES,
  request: { params: ContactParams },
  responses: {
    200: jsonContent(ContactExportSchema, "The person's data."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
