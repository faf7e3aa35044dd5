import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  mayBeReplayed,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
  withReleaseEtag,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES } from "../../lib/auth/tokens";
import { OPERATION_ROLES } from "../../releases/operation-roles";
import { ReleaseAfterCancellationSchema, ReleaseAfterRecipientsSchema } from "../releases/command-results";
import {
  CancelNotificationSchema,
  CancelReleaseNotificationsSchema,
  NotificationDetailSchema,
  NotificationPageSchema,
  NotificationQuery,
  RecipientsPutSchema,
  RecipientsSchema,
} from "./schemas";

const ReleaseParams = z.object({ id: UuidParam("id", "Release id.") });

export const getRecipients = createRoute({
  operationId: "getReleaseRecipients",
  ...(OPENAPI_DOCS && {
    description:
      "Who hears about this release: contacts and team members by role, with whether each can currently be emailed and why not.",
    summary: "The release's communication list: contacts and team members by role",
  }),
  method: "get",
  path: "/v1/releases/{id}/recipients",
  tags: ["Notifications"],
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
  operationId: "putReleaseRecipients",
  method: "put",
  path: "/v1/releases/{id}/recipients",
  tags: ["Notifications"],
  ...(OPENAPI_DOCS && {
    summary: "Replace the release's communication list (owner, release manager)",
    description:
      "Through the release's Durable Object, like every change to a release. Messages already queued keep their recipients; someone removed before a message is sent is skipped (`no_longer_recipient`).",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_recipients,
  request: { params: ReleaseParams, body: jsonBody(RecipientsPutSchema) },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseAfterRecipientsSchema, "The release; `result` counts the list.")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listNotifications = createRoute({
  operationId: "listNotifications",
  ...(OPENAPI_DOCS && {
    description:
      "The email outbox: each message with its event, recipient (masked unless you are an owner), status and, when skipped or failed, the reason. Filter by release.",
    summary: "What was sent to whom (addresses masked), when, and why anything was not sent",
  }),
  method: "get",
  path: "/v1/notifications",
  tags: ["Notifications"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery.extend(NotificationQuery.shape) },
  responses: {
    200: jsonContent(NotificationPageSchema, "Messages, newest first."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

const NotificationParams = z.object({ id: UuidParam("id", "Message id.") });

export const getNotification = createRoute({
  operationId: "getNotification",
  method: "get",
  path: "/v1/notifications/{id}",
  tags: ["Notifications"],
  ...(OPENAPI_DOCS && {
    summary:
      "One message: its status and, for owners and release managers, the rendered subject, text and HTML",
    description:
      "Before its first attempt the message is composed for the answer as it would be sent now (`rendered.preview: true`); afterwards, exactly what was sent. Addresses in full for owners only.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: NotificationParams },
  responses: {
    200: jsonContent(NotificationDetailSchema, "The message."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const cancelNotification = createRoute({
  operationId: "cancelNotification",
  method: "post",
  path: "/v1/notifications/{id}/cancel",
  tags: ["Notifications"],
  ...(OPENAPI_DOCS && {
    summary: "Cancel one unsent message, saying why (owner, the release's release manager)",
    description:
      "Only a queued or retrying message (409 otherwise, with its status). Through the release's Durable Object; audited as `notifications_cancelled` with the message id and reason. A cancelled message counts as settled for closure.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.cancel_messages,
  request: {
    params: NotificationParams,
    headers: IdempotencyKeyHeader,
    body: jsonBody(CancelNotificationSchema),
  },
  responses: {
    200: mayBeReplayed(
      withReleaseEtag(
        jsonContent(ReleaseAfterCancellationSchema, "The release; `result.cancelled` lists the message."),
      ),
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const cancelReleaseNotifications = createRoute({
  operationId: "cancelReleaseNotifications",
  method: "post",
  path: "/v1/releases/{id}/notifications/cancel",
  tags: ["Notifications"],
  ...(OPENAPI_DOCS && {
    summary: "Cancel the release's unsent messages, saying why (owner, the release's release manager)",
    description:
      "Every queued or retrying message of the release, or those named in `message_ids` (then each must still be unsent: 409 otherwise, and nothing is cancelled). For when email is down or not configured and the release must close. Audited as `notifications_cancelled` with ids and the reason.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.cancel_messages,
  request: {
    params: ReleaseParams,
    headers: IdempotencyKeyHeader,
    body: jsonBody(CancelReleaseNotificationsSchema),
  },
  responses: {
    200: mayBeReplayed(
      withReleaseEtag(
        jsonContent(
          ReleaseAfterCancellationSchema,
          "The release; `result.cancelled` lists what was cancelled.",
        ),
      ),
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});
