import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { ROLES } from "../../lib/auth/tokens";
import { OPERATION_ROLES } from "../../releases/operation-roles";
import { ReleaseCommandResultSchema } from "../releases/schemas";
import { NotificationPageSchema, NotificationQuery, RecipientsPutSchema, RecipientsSchema } from "./schemas";

const ReleaseParams = z.object({ id: UuidParam("id", "Release id.") });

export const getRecipients = createRoute({
  method: "get",
  path: "/v1/releases/{id}/recipients",
  tags: ["Notifications"],
  summary: "The release's communication list: contacts and team members by role",
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams },
  responses: {
    200: jsonContent(
      RecipientsSchema,
      "Who hears about this release, and whether they will get each kind of message.",
    ),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const putRecipients = createRoute({
  method: "put",
  path: "/v1/releases/{id}/recipients",
  tags: ["Notifications"],
  summary: "Replace the release's communication list (owner, release manager)",
  description:
    "Through the release's Durable Object, like every change to a release. Messages already queued keep their recipients; someone removed before a message is sent is skipped (`no_longer_recipient`).",
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_recipients,
  request: { params: ReleaseParams, body: jsonBody(RecipientsPutSchema) },
  responses: {
    200: jsonContent(ReleaseCommandResultSchema, "The release; `result` counts the list."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listNotifications = createRoute({
  method: "get",
  path: "/v1/notifications",
  tags: ["Notifications"],
  summary: "What was sent to whom (addresses masked), when, and why anything was not sent",
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery.extend(NotificationQuery.shape) },
  responses: {
    200: jsonContent(NotificationPageSchema, "Messages, newest first."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
