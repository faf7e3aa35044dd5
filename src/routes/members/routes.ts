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
import { MemberCreateSchema, MemberPageSchema, MemberPatchSchema, MemberSchema } from "./schemas";

/** Who may add, change and remove members (`x-roles` and the handlers' role check). */
export const MEMBER_ADMIN_ROLES = ["owner"] as const satisfies readonly Role[];

const MemberParams = z.object({ id: UuidParam("id", "Member id.") });

export const listMembers = createRoute({
  operationId: "listMembers",
  ...(OPENAPI_DOCS && {
    description:
      "Everyone in the agency with their role. Addresses are shown in full to owners and to the member themselves, masked for everyone else.",
    summary: "List the agency's members",
  }),
  method: "get",
  path: "/v1/members",
  tags: ["Members"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(MemberPageSchema, "A page of members."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createMember = createRoute({
  operationId: "createMember",
  ...(OPENAPI_DOCS && {
    description:
      "Adds a person with a role (owner, release_manager, engineer or viewer). They act through API tokens issued with POST /v1/tokens.",
    summary: "Add a member (owner)",
  }),
  method: "post",
  path: "/v1/members",
  tags: ["Members"],
  security: bearerSecurity,
  "x-roles": MEMBER_ADMIN_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(MemberCreateSchema) },
  responses: {
    201: mayBeReplayed(createdContent(MemberSchema, "The new member.", "/v1/members/{id}")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getMember = createRoute({
  operationId: "getMember",
  ...(OPENAPI_DOCS && {
    description:
      "One member with their role and, once removed, when they were deactivated (members are kept so the audit trail still names them).",
    summary: "One member",
  }),
  method: "get",
  path: "/v1/members/{id}",
  tags: ["Members"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: MemberParams },
  responses: { 200: jsonContent(MemberSchema, "The member."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchMember = createRoute({
  operationId: "patchMember",
  method: "patch",
  path: "/v1/members/{id}",
  tags: ["Members"],
  ...(OPENAPI_DOCS && {
    summary: "Change a member's name, email or role (owner)",
    description: "The agency always keeps at least one active owner.",
  }),
  security: bearerSecurity,
  "x-roles": MEMBER_ADMIN_ROLES,
  request: { params: MemberParams, body: jsonBody(MemberPatchSchema) },
  responses: {
    200: jsonContent(MemberSchema, "The updated member."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const revokeMemberLinks = createRoute({
  operationId: "revokeMemberLinks",
  method: "post",
  path: "/v1/members/{id}/revoke-links",
  tags: ["Members"],
  ...(OPENAPI_DOCS && {
    summary: "Revoke the member's unsubscribe links (owner)",
    description:
      "Every unsubscribe link already sent to the person stops working at once (its page says to use the link in a newer email); the next message carries a new one. For a link that was forwarded or leaked. Their subscription itself is unchanged.",
  }),
  security: bearerSecurity,
  "x-roles": MEMBER_ADMIN_ROLES,
  request: { params: MemberParams },
  responses: {
    204: { description: "Revoked." },
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const removeMember = createRoute({
  operationId: "removeMember",
  method: "delete",
  path: "/v1/members/{id}",
  tags: ["Members"],
  ...(OPENAPI_DOCS && {
    summary: "Remove a member (owner): deactivates them and revokes their tokens at once",
    description:
      "The member is kept, deactivated, so the audit trail still resolves who did what; all their API tokens stop working immediately.",
  }),
  security: bearerSecurity,
  "x-roles": MEMBER_ADMIN_ROLES,
  request: { params: MemberParams },
  responses: {
    204: {
      description:
        "Removed: the member is deactivated (still readable, with `deactivated_at`) and their tokens are revoked. Removing a removed member is a no-op.",
    },
    ...errorResponses(...TENANT_READ_ERRORS, 409),
  },
});
