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
  pageOf,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
  withReleaseEtag,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { MAX_BOOKING_AHEAD_DAYS, MAX_SLOT_MINUTES } from "../../domain/windows";
import { ROLES, type Role } from "../../lib/auth/tokens";
import { LIFECYCLE_ROLES, OPERATION_ROLES } from "../../releases/operation-roles";
import {
  ReleaseAfterCommandSchema,
  ReleaseAfterEditSchema,
  ReleaseAfterWindowSchema,
} from "./command-results";
import { ReleasePlanSchema } from "./plan-schema";
import {
  DecisionSchema,
  DeploymentLogEntrySchema,
  DeploymentReportSchema,
  EventSchema,
  ReasonSchema,
  ReleaseCreateSchema,
  ReleasePageSchema,
  ReleasePatchSchema,
  ReleaseSchema,
  RollbackStepReportSchema,
  StageSchema,
  StatusSchema,
  TeamSchema,
  TestResultCreateSchema,
  TestResultSchema,
  TransitionSchema,
  WindowBookingSchema,
} from "./schemas";

export const ReleaseParams = z.object({ id: UuidParam("id", "Release id.") });
const COMMAND_ERRORS = [...TENANT_WRITE_ERRORS] as const;
const tags = ["Releases"];

/** Who may plan a release (`x-roles` and the handler's role check). */
export const RELEASE_CREATE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

/** Only the release's own release manager decides; an owner may act as one, and the rules refuse everyone else. */
const DECIDED_BY_THE_RELEASE_MANAGER =
  "Only the release's assigned release manager (or an owner acting as one) may do this; any other release manager is refused with 403.";

const command = <P extends string, S extends z.ZodType>(
  operationId: string,
  path: P,
  summary: string,
  body: S,
  roles: readonly Role[],
  description?: string,
) =>
  createRoute({
    operationId,
    method: "post",
    path,
    tags,
    ...(OPENAPI_DOCS && {
      summary,
    }),
    ...(description ? { description } : {}),
    security: bearerSecurity,
    "x-roles": roles,
    request: { params: ReleaseParams, headers: IdempotencyKeyHeader, body: jsonBody(body) },
    responses: {
      200: mayBeReplayed(
        withReleaseEtag(
          jsonContent(ReleaseAfterCommandSchema, "The release after the command, with its gates."),
        ),
      ),
      ...errorResponses(...COMMAND_ERRORS),
    },
  });

export const createRelease = createRoute({
  operationId: "createRelease",
  method: "post",
  path: "/v1/releases",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Plan a release of a project (owner, release manager)",
    description:
      "Starts in planning with the agency's checklist (or the default) plus the compliance items its flags call for.",
  }),
  security: bearerSecurity,
  "x-roles": RELEASE_CREATE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(ReleaseCreateSchema) },
  responses: {
    201: mayBeReplayed(
      withReleaseEtag(createdContent(ReleaseSchema, "The new release.", "/v1/releases/{id}")),
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listReleases = createRoute({
  operationId: "listReleases",
  ...(OPENAPI_DOCS && {
    description:
      "Releases newest first, filtered by project, client, stage or status, with cursor pagination. Each carries its stage, status, window and gates summary.",
    summary: "List releases, filtered by project, client, stage or status",
  }),
  method: "get",
  path: "/v1/releases",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    query: PaginationQuery.extend({
      project_id: z
        .uuid()
        .optional()
        .openapi({ param: { name: "project_id", in: "query" } }),
      client_id: z
        .uuid()
        .optional()
        .openapi({ param: { name: "client_id", in: "query" } }),
      stage: StageSchema.optional().openapi({ param: { name: "stage", in: "query" } }),
      status: StatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: jsonContent(ReleasePageSchema, "A page of releases, newest first."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const getRelease = createRoute({
  operationId: "getRelease",
  ...(OPENAPI_DOCS && {
    description:
      "The release with its stage and status, every gate of the current stage (met or not, and why), the go/no-go recommendation when a decision is due, and the ETag to send as If-Match when editing it.",
    summary: "A release with every gate and the go/no-go recommendation",
  }),
  method: "get",
  path: "/v1/releases/{id}",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ReleaseParams },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseSchema, "The release.")),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const patchRelease = createRoute({
  operationId: "patchRelease",
  ...(OPENAPI_DOCS && {
    description:
      "Edits the title, scope, change log, risk, git reference or compliance flags while the release is in planning or pre-deployment verification. Send the ETag from GET as If-Match; a stale one is 412.",
    summary: "Edit a release (owner, release manager); If-Match guards against lost updates",
  }),
  method: "patch",
  path: "/v1/releases/{id}",
  tags,
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.patch,
  request: {
    params: ReleaseParams,
    headers: z.object({
      "if-match": z
        .string()
        .optional()
        .openapi({ ...(OPENAPI_DOCS && { description: "The ETag you read; 412 if it changed." }) }),
    }),
    body: jsonBody(ReleasePatchSchema),
  },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseAfterEditSchema, "The updated release.")),
    ...errorResponses(...TENANT_WRITE_ERRORS, 412),
  },
});

export const putTeam = createRoute({
  operationId: "putReleaseTeam",
  ...(OPENAPI_DOCS && {
    description:
      "Replaces the team: the release manager who takes decisions, and the engineers, testers and approvers. Decisions check the team as it is when they are taken.",
    summary: "Assign the release manager, engineers, testers and approvers (owner, release manager)",
  }),
  method: "put",
  path: "/v1/releases/{id}/team",
  tags,
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_team,
  request: { params: ReleaseParams, body: jsonBody(TeamSchema) },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseAfterEditSchema, "The release with its team.")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const putWindow = createRoute({
  operationId: "putReleaseWindow",
  method: "put",
  path: "/v1/releases/{id}/window",
  tags,
  ...(OPENAPI_DOCS && {
    summary:
      "Confirm the deployment window, checked against the risk policy and public holidays (owner, release manager)",
    description: `Low-risk releases may deploy in business hours or maintenance windows, high-risk ones only in maintenance windows, none in a freeze or on a public holiday of the client's (or agency's) state. A refusal names the rule and suggests the next allowed slots; an owner may override with a reason. A slot must end in the future, last at most ${MAX_SLOT_MINUTES} minutes (7 days) and start at most ${MAX_BOOKING_AHEAD_DAYS} days ahead; outside those bounds the answer is 422 naming the field.`,
  }),
  security: bearerSecurity,
  "x-roles": OPERATION_ROLES.set_window,
  request: { params: ReleaseParams, body: jsonBody(WindowBookingSchema) },
  responses: {
    200: withReleaseEtag(jsonContent(ReleaseAfterWindowSchema, "The release with its window.")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getPlan = createRoute({
  operationId: "getReleasePlan",
  method: "get",
  path: "/v1/releases/{id}/plan",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The release plan document, as JSON or markdown",
    description: "Send `Accept: text/markdown` (or `?format=markdown`) for the markdown document.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    params: ReleaseParams,
    query: z.object({
      format: z
        .enum(["json", "markdown"])
        .optional()
        .openapi({ param: { name: "format", in: "query" } }),
    }),
  },
  responses: {
    200: {
      description: "The plan.",
      content: {
        "application/json": { schema: ReleasePlanSchema },
        "text/markdown": { schema: z.string() },
      },
    },
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const postTransition = command(
  "transitionRelease",
  "/v1/releases/{id}/transitions",
  "Move the release to another stage (the release manager); 409 lists the unmet gates",
  TransitionSchema,
  LIFECYCLE_ROLES.transition,
  DECIDED_BY_THE_RELEASE_MANAGER,
);
export const postDecision = command(
  "recordDecision",
  "/v1/releases/{id}/decisions",
  "Decide go/no-go, halt, resume, stability or rollback (the release manager)",
  DecisionSchema,
  LIFECYCLE_ROLES.decision,
  `Decisions go through the release's Durable Object, one at a time: exclusive decisions have exactly one winner. ${DECIDED_BY_THE_RELEASE_MANAGER}`,
);
export const postCancel = command(
  "cancelRelease",
  "/v1/releases/{id}/cancel",
  "Cancel a release before deployment execution (the release manager)",
  ReasonSchema,
  LIFECYCLE_ROLES.cancel,
  DECIDED_BY_THE_RELEASE_MANAGER,
);
export const postReattempt = command(
  "reattemptRelease",
  "/v1/releases/{id}/reattempt",
  "Re-attempt a rolled-back or failed release once its investigation is closed (the release manager)",
  ReasonSchema,
  LIFECYCLE_ROLES.reattempt,
  DECIDED_BY_THE_RELEASE_MANAGER,
);
export const postTestResult = command(
  "recordTestResult",
  "/v1/releases/{id}/test-results",
  "Report a test result: staging, smoke, verification or UAT (owner, release manager, engineer)",
  TestResultCreateSchema,
  LIFECYCLE_ROLES.test_result,
  "Records one suite's result for the release's current attempt (staging, smoke, verification or UAT). CI integrations report the same facts through their webhooks; the latest result per suite counts toward the gates.",
);
export const postDeploymentReport = command(
  "recordDeployment",
  "/v1/releases/{id}/deployment-log",
  "Record that the deployment started, completed or failed (owner, release manager, engineer)",
  DeploymentReportSchema,
  LIFECYCLE_ROLES.execution_report,
  "A failed deployment opens the rollback decision.",
);
export const postRollbackStep = command(
  "recordRollbackStep",
  "/v1/releases/{id}/rollback-steps",
  "Record a rollback procedure step as done or failed, in order (owner, release manager, engineer)",
  RollbackStepReportSchema,
  LIFECYCLE_ROLES.rollback_step,
  "Marks the next step of the rollback procedure done or failed, in order. The last step done completes the rollback; a failed step makes the rollback failed and alerts the release manager and owners.",
);

const listOf = <P extends string, S extends z.ZodType>(
  operationId: string,
  path: P,
  summary: string,
  item: S,
  name: string,
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
    tags,
    security: bearerSecurity,
    "x-roles": ROLES,
    request: { params: ReleaseParams, query: PaginationQuery },
    responses: { 200: jsonContent(pageOf(item, name), summary), ...errorResponses(...TENANT_READ_ERRORS) },
  });

export const listTestResults = listOf(
  "listTestResults",
  "/v1/releases/{id}/test-results",
  "Test results of the release",
  TestResultSchema,
  "TestResultPage",
  "Every test result reported for the release's current attempt, oldest first, by stage and suite.",
);
export const listDeploymentLog = listOf(
  "listDeploymentLog",
  "/v1/releases/{id}/deployment-log",
  "The deployment log: reports, rollback steps and notes",
  DeploymentLogEntrySchema,
  "DeploymentLogPage",
  "The execution record of the current attempt: deployment reports, rollback steps and notes, oldest first.",
);
export const listEvents = createRoute({
  operationId: "listReleaseEvents",
  method: "get",
  path: "/v1/releases/{id}/events",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The append-only audit trail of the release, oldest first",
    description:
      "Actors are stored as ids. `?expand=actor` adds each member's current name and role, so one call is enough to read the trail (every role may see members' names).",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    params: ReleaseParams,
    query: PaginationQuery.extend({
      expand: z
        .enum(["actor"], { message: "expand must be actor" })
        .optional()
        .openapi({
          param: { name: "expand", in: "query" },
          ...(OPENAPI_DOCS && { description: "`actor`: name and role of member actors." }),
        }),
    }),
  },
  responses: {
    200: jsonContent(pageOf(EventSchema, "ReleaseEventPage"), "A page of the audit trail."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
