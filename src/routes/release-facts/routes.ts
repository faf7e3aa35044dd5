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
import { ReleaseAfterEditSchema, ReleaseAfterMonitoringSchema } from "../releases/command-results";
import {
  AttemptQuery,
  ChecklistBulkPatchSchema,
  ChecklistBulkResultSchema,
  ChecklistItemPatchSchema,
  ChecklistItemSchema,
  ChecklistSchema,
  CorrectiveActionCreateSchema,
  CorrectiveActionPatchSchema,
  CorrectiveActionSchema,
  DashboardsSchema,
  InvestigationPatchSchema,
  InvestigationSchema,
  IssueCreateSchema,
  IssuePageSchema,
  IssuePatchSchema,
  IssueSchema,
  MonitoringConfirmationSchema,
  MonitoringSchema,
  NotesPutSchema,
  NotesSchema,
  RollbackProcedureSchema,
  SignOffCreateSchema,
  SignOffPageSchema,
  SignOffSchema,
  TestPlanSchema,
} from "./schemas";

// Every write here goes through the release's Durable Object, bumps the
// release's row_version (sent back as ETag) and lands in its audit trail.

const ReleaseParams = z.object({ id: UuidParam("id", "Release id.") });
const WRITE_ERRORS = TENANT_WRITE_ERRORS;
const etag = { ETag: { schema: { type: "string" as const }, description: "The release's new version." } };

const read = <P extends string, S extends z.ZodType>(
  operationId: string,
  tag: string,
  path: P,
  summary: string,
  schema: S,
  description: string,
) =>
  createRoute({
    operationId,
    ...(OPENAPI_DOCS && {
      description,
      summary,
    }),
    method: "get",
    path,
    tags: [tag],
    security: bearerSecurity,
    "x-roles": ROLES,
    request: { params: ReleaseParams },
    responses: { 200: jsonContent(schema, summary), ...errorResponses(...TENANT_READ_ERRORS) },
  });

// Checklist

export const getChecklist = createRoute({
  operationId: "getReleaseChecklist",
  ...(OPENAPI_DOCS && {
    description:
      "Every checklist item of the current attempt with its stage, whether it is required and who completed it with what evidence. Required items of a stage gate leaving it.",
    summary: "The checklist of the release's current attempt, every item with its stage",
  }),
  method: "get",
  path: "/v1/releases/{id}/checklist",
  tags: ["Checklist"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams, query: AttemptQuery },
  responses: {
    200: jsonContent(ChecklistSchema, "The checklist, in order."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const patchChecklist = createRoute({
  operationId: "patchReleaseChecklist",
  method: "patch",
  path: "/v1/releases/{id}/checklist",
  tags: ["Checklist"],
  ...(OPENAPI_DOCS && {
    summary: "Mark several checklist items at once, all or nothing",
    description:
      "Each item is named by `item_id` or by its template `key` (no GET needed first) with the same fields as the one-item PATCH. Every item is checked before anything is written: an unknown item, one named twice, or a compliance item the caller may not sign refuses the whole request (422, or 403 when the only problem is sign-off authority), with `errors[]` naming each entry by index (`body.items.3.key`). One command through the release's Durable Object, one audit entry per item.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.update_checklist,
  request: { params: ReleaseParams, body: jsonBody(ChecklistBulkPatchSchema) },
  responses: {
    200: { ...jsonContent(ChecklistBulkResultSchema, "The items as they now are."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const patchChecklistItem = createRoute({
  operationId: "patchReleaseChecklistItem",
  method: "patch",
  path: "/v1/releases/{id}/checklist/{item_id}",
  tags: ["Checklist"],
  ...(OPENAPI_DOCS && {
    summary: "Mark a checklist item done, n/a or open again",
    description:
      "Done and n/a record who (the caller) and when; open clears them. Owners, release managers and engineers may tick general items; compliance items (acl, privacy, spam) are a named sign-off that only an owner or a release manager may give or withdraw. Refused once the release is closed or cancelled.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.update_checklist_item,
  request: {
    params: ReleaseParams.extend({ item_id: UuidParam("item_id", "Checklist item id.") }),
    body: jsonBody(ChecklistItemPatchSchema),
  },
  responses: {
    200: { ...jsonContent(ChecklistItemSchema, "The item as it now is."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Test plan and rollback procedure

export const putTestPlan = createRoute({
  operationId: "putReleaseTestPlan",
  ...(OPENAPI_DOCS && {
    description:
      "Replaces the planned test suites by stage. The plan says which results the verification gates wait for.",
    summary: "Replace the test plan (owner, release manager; planning or pre-deployment verification)",
  }),
  method: "put",
  path: "/v1/releases/{id}/test-plan",
  tags: ["Release facts"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_test_plan,
  request: { params: ReleaseParams, body: jsonBody(TestPlanSchema) },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseAfterEditSchema, "The release with its test plan and gates.")),
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const putRollbackProcedure = createRoute({
  operationId: "putReleaseRollbackProcedure",
  ...(OPENAPI_DOCS && {
    description:
      "Replaces the ordered rollback steps. A rollback follows them step by step; they cannot change while one runs.",
    summary: "Replace the rollback procedure (owner, release manager; not while a rollback runs)",
  }),
  method: "put",
  path: "/v1/releases/{id}/rollback-procedure",
  tags: ["Release facts"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_rollback_procedure,
  request: { params: ReleaseParams, body: jsonBody(RollbackProcedureSchema) },
  responses: {
    200: withReleaseEtag(
      jsonContent(ReleaseAfterEditSchema, "The release with its rollback procedure and gates."),
    ),
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Monitoring

export const getMonitoring = read(
  "getReleaseMonitoring",
  "Release facts",
  "/v1/releases/{id}/monitoring",
  "The monitoring dashboards and who confirmed them",
  MonitoringSchema,
  "The dashboards to watch after deployment and who confirmed they were watched, for the stability decision.",
);

export const putMonitoringDashboards = createRoute({
  operationId: "putReleaseMonitoringDashboards",
  ...(OPENAPI_DOCS && {
    description: "Names the dashboards (title and URL) the team watches during post-deployment verification.",
    summary: "Name the dashboards watched after deployment (owner, release manager)",
  }),
  method: "put",
  path: "/v1/releases/{id}/monitoring-dashboards",
  tags: ["Release facts"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_monitoring_dashboards,
  request: { params: ReleaseParams, body: jsonBody(DashboardsSchema) },
  responses: {
    200: withReleaseEtag(
      jsonContent(ReleaseAfterMonitoringSchema, "The release; `result` is its monitoring."),
    ),
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const postMonitoringConfirmation = createRoute({
  operationId: "confirmReleaseMonitoring",
  method: "post",
  path: "/v1/releases/{id}/monitoring-confirmation",
  tags: ["Release facts"],
  ...(OPENAPI_DOCS && {
    summary: "Confirm the monitoring looks healthy (owner, release manager, engineer)",
    description:
      "Records the caller and the time (the monitoring_confirmed gate). Only during post-deployment verification. Answers with the release and its gates; `result` is the monitoring.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.confirm_monitoring,
  request: {
    params: ReleaseParams,
    headers: IdempotencyKeyHeader,
    body: jsonBody(MonitoringConfirmationSchema),
  },
  responses: {
    200: mayBeReplayed(
      withReleaseEtag(jsonContent(ReleaseAfterMonitoringSchema, "The release; `result` is its monitoring.")),
    ),
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Issue reports

export const listIssues = createRoute({
  operationId: "listReleaseIssues",
  ...(OPENAPI_DOCS && {
    description:
      "Issues found in the current attempt with severity and status. Open critical or high issues block go and stability.",
    summary: "Issue reports of the current attempt",
  }),
  method: "get",
  path: "/v1/releases/{id}/issues",
  tags: ["Issue reports"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams, query: PaginationQuery.extend(AttemptQuery.shape) },
  responses: {
    200: jsonContent(IssuePageSchema, "A page of issue reports, oldest first."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const postIssue = createRoute({
  operationId: "reportReleaseIssue",
  method: "post",
  path: "/v1/releases/{id}/issues",
  tags: ["Issue reports"],
  ...(OPENAPI_DOCS && {
    summary: "Report an issue found in post-deployment verification (owner, release manager, engineer)",
    description:
      "Open critical and high issues hold the stable decision (no_open_blocking_issues); close them or roll back.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.report_issue,
  request: { params: ReleaseParams, headers: IdempotencyKeyHeader, body: jsonBody(IssueCreateSchema) },
  responses: {
    201: mayBeReplayed({ ...jsonContent(IssueSchema, "The issue report."), headers: etag }),
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const patchIssue = createRoute({
  operationId: "patchReleaseIssue",
  ...(OPENAPI_DOCS && {
    description:
      "Closes, reopens or changes the severity of an issue report; closing one can clear a blocking gate.",
    summary: "Close, reopen or re-grade an issue report (owner, release manager, engineer)",
  }),
  method: "patch",
  path: "/v1/releases/{id}/issues/{issue_id}",
  tags: ["Issue reports"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.update_issue,
  request: {
    params: ReleaseParams.extend({ issue_id: UuidParam("issue_id", "Issue report id.") }),
    body: jsonBody(IssuePatchSchema),
  },
  responses: {
    200: { ...jsonContent(IssueSchema, "The issue report."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Stakeholder sign-offs

export const listSignOffs = createRoute({
  operationId: "listReleaseSignOffs",
  ...(OPENAPI_DOCS && {
    description:
      "Approvals and rejections of the current attempt, by signer. High-risk releases can need a second approver other than the person deciding.",
    summary: "Stakeholder sign-offs of the current attempt",
  }),
  method: "get",
  path: "/v1/releases/{id}/sign-offs",
  tags: ["Sign-offs"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams, query: PaginationQuery.extend(AttemptQuery.shape) },
  responses: {
    200: jsonContent(SignOffPageSchema, "A page of sign-offs, oldest first; a signer's latest one counts."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const postSignOff = createRoute({
  operationId: "recordSignOff",
  method: "post",
  path: "/v1/releases/{id}/sign-offs",
  tags: ["Sign-offs"],
  ...(OPENAPI_DOCS && {
    summary: "Sign off the release's readiness as one of its approvers",
    description:
      "The signer is the caller, who may have any role (client stakeholders are often viewers) but must be an approver on the release team (403 otherwise: only approvers count towards the gates). A high-risk release needs every approver's approval before go. Accepted in planning and pre-deployment verification; a later sign-off replaces the signer's earlier one.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.sign_off,
  request: { params: ReleaseParams, headers: IdempotencyKeyHeader, body: jsonBody(SignOffCreateSchema) },
  responses: {
    201: mayBeReplayed({ ...jsonContent(SignOffSchema, "The sign-off."), headers: etag }),
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Investigation

export const getInvestigation = read(
  "getReleaseInvestigation",
  "Investigation",
  "/v1/releases/{id}/investigation",
  "The investigation of the latest failed attempt, with its corrective actions",
  InvestigationSchema,
  "After a failed deployment or rollback: the investigation of the latest failed attempt and its corrective actions, which must be closed before a reattempt.",
);

export const patchInvestigation = createRoute({
  operationId: "patchReleaseInvestigation",
  method: "patch",
  path: "/v1/releases/{id}/investigation",
  tags: ["Investigation"],
  ...(OPENAPI_DOCS && {
    summary: "Write the investigation summary, or close or reopen it",
    description:
      "While the release is rolled_back or failed. Owners, release managers and engineers write the summary; only an owner or a release manager may close or reopen it. Closing needs at least one corrective action, all closed; with the investigation closed the release manager may re-attempt.",
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.update_investigation,
  request: { params: ReleaseParams, body: jsonBody(InvestigationPatchSchema) },
  responses: {
    200: { ...jsonContent(InvestigationSchema, "The investigation."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const postCorrectiveAction = createRoute({
  operationId: "addCorrectiveAction",
  ...(OPENAPI_DOCS && {
    description:
      "Adds an action the investigation found necessary (what, who, by when). Open actions block a reattempt.",
    summary: "Add a corrective action to the open investigation (owner, release manager, engineer)",
  }),
  method: "post",
  path: "/v1/releases/{id}/investigation/corrective-actions",
  tags: ["Investigation"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.add_corrective_action,
  request: {
    params: ReleaseParams,
    headers: IdempotencyKeyHeader,
    body: jsonBody(CorrectiveActionCreateSchema),
  },
  responses: {
    201: mayBeReplayed({ ...jsonContent(CorrectiveActionSchema, "The corrective action."), headers: etag }),
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const patchCorrectiveAction = createRoute({
  operationId: "patchCorrectiveAction",
  ...(OPENAPI_DOCS && {
    description: "Marks a corrective action done, or reopens it.",
    summary: "Close or reopen a corrective action (owner, release manager, engineer)",
  }),
  method: "patch",
  path: "/v1/releases/{id}/investigation/corrective-actions/{action_id}",
  tags: ["Investigation"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.update_corrective_action,
  request: {
    params: ReleaseParams.extend({ action_id: UuidParam("action_id", "Corrective action id.") }),
    body: jsonBody(CorrectiveActionPatchSchema),
  },
  responses: {
    200: { ...jsonContent(CorrectiveActionSchema, "The corrective action."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

// Release notes

export const getNotes = read(
  "getReleaseNotes",
  "Release notes",
  "/v1/releases/{id}/notes",
  "The release notes (markdown) and when they were published",
  NotesSchema,
  "The release notes in markdown and, once published, when and at which public URL.",
);

export const putNotes = createRoute({
  operationId: "putReleaseNotes",
  ...(OPENAPI_DOCS && {
    description:
      "Writes the release notes in markdown (the template's {{notes}}). Published notes can still be corrected; the public page shows the correction.",
    summary: "Write or correct the release notes (owner, release manager)",
  }),
  method: "put",
  path: "/v1/releases/{id}/notes",
  tags: ["Release notes"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_notes,
  request: { params: ReleaseParams, body: jsonBody(NotesPutSchema) },
  responses: {
    200: { ...jsonContent(NotesSchema, "The release notes."), headers: etag },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const postPublishNotes = createRoute({
  operationId: "publishReleaseNotes",
  ...(OPENAPI_DOCS && {
    description:
      "Publishes the notes as a public page and feed entry, and emails the release's communication list where the Spam Act allows.",
    summary: "Publish the release notes (owner, release manager; communication and closure only)",
  }),
  method: "post",
  path: "/v1/releases/{id}/notes/publish",
  tags: ["Release notes"],
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.publish_notes,
  request: { params: ReleaseParams, headers: IdempotencyKeyHeader },
  responses: {
    200: mayBeReplayed({ ...jsonContent(NotesSchema, "The published release notes."), headers: etag }),
    ...errorResponses(...WRITE_ERRORS),
  },
});
