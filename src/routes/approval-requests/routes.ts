import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createdContent,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES } from "../../lib/auth/tokens";
import { OPERATION_ROLES } from "../../releases/operation-roles";
import {
  ApprovalAnswerFormSchema,
  ApprovalRequestCreateSchema,
  ApprovalRequestPageSchema,
  ApprovalRequestSchema,
  IssuedApprovalRequestSchema,
} from "./schemas";

const tags = ["Sign-offs"];

const ReleaseParams = z.object({ id: UuidParam("id", "Release id.") });
const RequestParams = z.object({
  id: UuidParam("id", "Release id."),
  request_id: UuidParam("request_id", "Approval request id."),
});
export const LinkParams = z.object({
  token: z
    .string()
    .max(2000)
    .openapi({
      param: { name: "token", in: "path" },
      ...(OPENAPI_DOCS && { description: "The signed link token." }),
    }),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export const createApprovalRequest = createRoute({
  operationId: "createApprovalRequest",
  method: "post",
  path: "/v1/releases/{id}/approval-requests",
  tags,
  ...(OPENAPI_DOCS && {
    summary:
      "Ask a client contact to sign off or give their UAT verdict by link (owner, the release's manager)",
    description:
      "Emails the contact a link to a page where they approve or ask for changes (sign_off, before go) or say whether acceptance testing passed (uat, once deployed), without an account. The link is bound to this release attempt, this contact and one answer, and expires. The answer is recorded as that contact's sign-off or UAT result and counts toward the gates; the agency can require a client sign-off for high-risk releases (`client_sign_off_for_high_risk`).",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.request_approval,
  request: {
    params: ReleaseParams,
    headers: IdempotencyKeyHeader,
    body: jsonBody(ApprovalRequestCreateSchema),
  },
  responses: {
    201: createdContent(
      IssuedApprovalRequestSchema,
      "The request, with the link's URL shown once.",
      "/v1/releases/{id}/approval-requests/{request_id}",
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listApprovalRequests = createRoute({
  operationId: "listApprovalRequests",
  method: "get",
  path: "/v1/releases/{id}/approval-requests",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The release's approval requests and their status",
    description:
      "Every request sent for this release, oldest first, with its status and the client's answer; never the links.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams, query: PaginationQuery },
  responses: {
    200: jsonContent(ApprovalRequestPageSchema, "A page of approval requests."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const getApprovalRequest = createRoute({
  operationId: "getApprovalRequest",
  method: "get",
  path: "/v1/releases/{id}/approval-requests/{request_id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "One approval request",
    description: "Its status and the client's answer; never its link.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: RequestParams },
  responses: {
    200: jsonContent(ApprovalRequestSchema, "The approval request."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const withdrawApprovalRequest = createRoute({
  operationId: "withdrawApprovalRequest",
  method: "delete",
  path: "/v1/releases/{id}/approval-requests/{request_id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Withdraw a pending approval request (owner, the release's manager)",
    description:
      "The link stops working at once (its page says it was withdrawn) and its email is cancelled if it has not gone out. The request stays on record as withdrawn.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.withdraw_approval_request,
  request: { params: RequestParams },
  responses: {
    204: { description: "Withdrawn; GET shows it as withdrawn." },
    ...errorResponses(...TENANT_READ_ERRORS, 409),
  },
});

export const showApprovalPage = createRoute({
  operationId: "showApprovalPage",
  method: "get",
  path: "/a/{token}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The client's approval page (no login)",
    description:
      "What the approval link opens: the agency, client, project, version and title, the window in the client's local time, the change log and a summary of test results, with the answer form. Opening it changes nothing (mail scanners follow links); the answer is a POST from the page.",
  }),
  security: [],
  request: { params: LinkParams },
  responses: {
    200: html("The page with the answer form, or the answer already given."),
    404: html("The link is not valid."),
    410: html("The link expired or was withdrawn."),
    ...errorResponses<never>(),
  },
});

export const answerApprovalPage = createRoute({
  operationId: "answerApprovalPage",
  method: "post",
  path: "/a/{token}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The client's answer, posted from the approval page (no login)",
    description:
      "Records the answer once, as the contact the link was sent to, through the release's coordinator like any other change. A second answer, an expired or withdrawn link, or a release past the point the answer could change gets a page saying so.",
  }),
  security: [],
  request: {
    params: LinkParams,
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: ApprovalAnswerFormSchema } },
    },
  },
  responses: {
    200: html("Thank you: the answer is recorded."),
    404: html("The link is not valid."),
    409: html("The link was already used, or the release has moved past the point this answer could change."),
    410: html("The link expired or was withdrawn."),
    422: html("The answer is not one the page offers."),
    // Not a form (a script posting JSON, a body too large): a problem document, as anywhere else.
    ...errorResponses(400, 413),
  },
});
