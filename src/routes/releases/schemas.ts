import { z } from "@hono/zod-openapi";
import { JsonObjectSchema } from "../../app/json-value-schema";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { GateSchema } from "../../app/problem-schema";
import { STAGES, STATUSES } from "../../domain/lifecycle/stages";
import { MAX_BOOKING_AHEAD_DAYS, MAX_SLOT_MINUTES } from "../../domain/windows";
import { HttpsUrlSchema, NameSchema } from "../../lib/validation";
import { AuditSnapshotSchema } from "./audit-snapshot";

export const StageSchema = z.enum(STAGES, { message: `stage must be one of ${STAGES.join(", ")}` });
export const StatusSchema = z.enum(STATUSES, { message: `status must be one of ${STATUSES.join(", ")}` });
const RiskSchema = z.enum(["low", "high"], { message: "risk must be low or high" });

export const ChangeLogEntrySchema = z.strictObject({
  summary: z.string().trim().min(1, "must not be empty").max(500),
  kind: z.string().trim().max(50).nullable().default(null).openapi({ example: "feature" }),
  reference: HttpsUrlSchema.nullable()
    .default(null)
    .openapi({ ...(OPENAPI_DOCS && { description: "Ticket or pull-request link." }) }),
  public: z
    .boolean()
    .nullable()
    .default(null)
    .openapi({
      ...(OPENAPI_DOCS && {
        description:
          "Whether clients see it on the release notes page. null (the default): chore, refactor, ci, build, test, docs and style are internal, every other kind public. The release shows the decision.",
      }),
    }),
});

export const ComplianceSchema = z
  .strictObject({
    touches_pricing_promotions_or_claims: z.boolean().default(false),
    touches_personal_data: z.boolean().default(false),
    sends_commercial_email: z.boolean().default(false),
  })
  .openapi("ComplianceFlags", {
    ...(OPENAPI_DOCS && {
      description:
        "What the release touches. Pricing, promotions or claims add Australian Consumer Law sign-off items (s18, s29, s48); personal data adds Privacy Act items; commercial email adds Spam Act items. Each needs a named person's sign-off before go.",
    }),
  });

// No regex flags: the document publishes only the pattern's source, so `/…/i` would read `^…$/i`,
// a pattern nothing matches.
const CommitShaSchema = z.string().regex(/^[0-9a-fA-F]{7,64}$/, "must be a hex commit SHA (7–64 characters)");
const VersionSchema = z.string().trim().min(1).max(100).openapi({ example: "2.3.0" });
const GitRefSchema = z.string().trim().min(1).max(255).openapi({ example: "v2.3.0" });

export const ReleaseCreateSchema = z
  .strictObject({
    project_id: z.uuid({ message: "project_id must be a UUID" }),
    version: VersionSchema,
    title: NameSchema,
    scope: z.string().max(20_000).default(""),
    change_log: z.array(ChangeLogEntrySchema).max(500).default([]),
    risk: RiskSchema,
    git_ref: GitRefSchema.optional(),
    commit_sha: CommitShaSchema.optional(),
    compliance: ComplianceSchema.optional(),
    release_manager_id: z
      .uuid({ message: "release_manager_id must be a member id" })
      .nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Who manages the release (a member with the owner or release_manager role). Omitted: the creator when they are a release manager, else nobody yet (PUT /v1/releases/{id}/team assigns one); null: nobody yet.",
        }),
      }),
  })
  .openapi("ReleaseCreate");

export const ReleasePatchSchema = z
  .strictObject({
    title: NameSchema.optional(),
    version: VersionSchema.optional(),
    scope: z.string().max(20_000).optional(),
    change_log: z.array(ChangeLogEntrySchema).max(500).optional(),
    risk: RiskSchema.optional(),
    git_ref: GitRefSchema.nullable().optional(),
    commit_sha: CommitShaSchema.nullable().optional(),
    compliance: ComplianceSchema.partial().optional(),
  })
  .openapi("ReleasePatch", {
    ...(OPENAPI_DOCS && {
      description:
        "version, scope, change_log, risk and compliance are frozen after planning; git_ref and commit_sha after pre-deployment verification.",
    }),
  });

const TeamMemberSchema = z.object({ member_id: z.uuid(), name: z.string(), role: z.string() });

export const ReleaseSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    version: z.string(),
    title: z.string(),
    scope: z.string(),
    change_log: z.array(
      z.object({ summary: z.string(), kind: z.string().nullable(), reference: z.string().nullable() }),
    ),
    risk: RiskSchema,
    git_ref: z.string().nullable(),
    commit_sha: z.string().nullable(),
    compliance: z.object({
      touches_pricing_promotions_or_claims: z.boolean(),
      touches_personal_data: z.boolean(),
      sends_commercial_email: z.boolean(),
    }),
    stage: StageSchema,
    status: StatusSchema,
    attempt: z.number().int(),
    row_version: z
      .number()
      .int()
      .openapi({ ...(OPENAPI_DOCS && { description: "Also sent as the ETag; send it back in If-Match." }) }),
    window: z
      .object({
        starts_at: Timestamp,
        ends_at: Timestamp,
        timezone: z.string(),
        confirmed: z.boolean(),
        policy_ok: z.boolean(),
        policy_detail: z.string().nullable(),
        override_reason: z.string().nullable(),
        window_id: z
          .uuid()
          .nullable()
          .openapi({
            ...(OPENAPI_DOCS && {
              description: "The stored window whose occurrence was booked, if booked that way.",
            }),
          }),
      })
      .nullable(),
    team: z.object({ release_manager_id: z.uuid().nullable(), members: z.array(TeamMemberSchema) }),
    test_plan: z.array(
      z.object({ stage: z.string(), suite: z.string(), description: z.string().nullable() }),
    ),
    rollback_procedure: z.array(
      z.object({ position: z.number().int(), title: z.string(), details: z.string().nullable() }),
    ),
    monitoring_dashboards: z.array(z.object({ name: z.string(), url: z.string() })),
    gates: z.array(GateSchema),
    pending_decision: z
      .object({
        kind: z.literal("rollback"),
        causes: z.array(
          z.object({
            cause: z.enum(["deployment_failed", "smoke_test_failed"]),
            suite: z.string().optional(),
            at: Timestamp.optional(),
          }),
        ),
      })
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "A failure waiting on the release manager: roll back (POST …/decisions {kind: rollback}) or fix and report the deployment again. The release manager and owners are emailed when it opens; with the agency's auto_rollback_on_failure policy the system rolls back at once instead.",
        }),
      }),
    recommendation: z
      .object({
        recommendation: z.enum(["go", "no_go", "rollback"]),
        reasons: z.array(z.object({ code: z.string(), effect: z.string(), message: z.string() })),
      })
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Advice with its reasons: go/no-go while the release awaits that decision, rollback while a failure waits on one.",
        }),
      }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Release");

export const ReleaseSummarySchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    version: z.string(),
    title: z.string(),
    risk: RiskSchema,
    stage: StageSchema,
    status: StatusSchema,
    attempt: z.number().int(),
    window_starts_at: Timestamp.nullable(),
    window_ends_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ReleaseSummary");

export const ReleasePageSchema = pageOf(ReleaseSummarySchema, "ReleasePage");

export const TeamSchema = z
  .strictObject({
    release_manager_id: z.uuid({ message: "release_manager_id must be a UUID" }),
    members: z
      .array(
        z.strictObject({
          member_id: z.uuid({ message: "member_id must be a UUID" }),
          role: z.enum(["engineer", "tester", "approver"], {
            message: "role must be engineer, tester or approver",
          }),
        }),
      )
      .max(100)
      .default([]),
  })
  .openapi("ReleaseTeam");

export const WindowBookingSchema = z
  .strictObject({
    starts_at: z.iso
      .datetime({ offset: true, message: "starts_at must be an RFC 3339 timestamp" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `An explicit slot: its start (with ends_at). At most ${MAX_BOOKING_AHEAD_DAYS} days from now.`,
        }),
      }),
    ends_at: z.iso
      .datetime({ offset: true, message: "ends_at must be an RFC 3339 timestamp" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `An explicit slot: its end (with starts_at). In the future, after starts_at and at most ${MAX_SLOT_MINUTES} minutes (7 days) after it.`,
        }),
      }),
    window_id: z
      .uuid({ message: "window_id must be a UUID" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Or book an occurrence of a stored window: its id (with occurrence_starts_at).",
        }),
      }),
    occurrence_starts_at: z.iso
      .datetime({ offset: true, message: "occurrence_starts_at must be an RFC 3339 timestamp" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `The occurrence's start, as GET /v1/calendar lists it (starts_at). At most ${MAX_BOOKING_AHEAD_DAYS} days from now.`,
        }),
      }),
    override_reason: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Owners only: book a slot the policy refuses, saying why (audited).",
        }),
      }),
    next_allowed: z
      .literal(true, { message: "next_allowed must be true" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Or book the earliest slot the policy allows (risk, windows, holidays, freezes), from `after` (default now), lasting `duration_minutes` (default 60). The result names the slot and the window it falls in.",
        }),
      }),
    after: z.iso
      .datetime({ offset: true, message: "after must be an RFC 3339 timestamp" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "With next_allowed: the earliest start to consider." }),
      }),
    duration_minutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_SLOT_MINUTES)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "With next_allowed: how long the deployment needs (default 60).",
        }),
      }),
  })
  .superRefine((body, ctx) => {
    const explicit = body.starts_at !== undefined || body.ends_at !== undefined;
    const occurrence = body.window_id !== undefined || body.occurrence_starts_at !== undefined;
    const next = body.next_allowed !== undefined;
    const message =
      "send one of {starts_at, ends_at}, {window_id, occurrence_starts_at} or {next_allowed: true}";
    if ([explicit, occurrence, next].filter(Boolean).length !== 1) {
      ctx.addIssue({ code: "custom", path: explicit ? ["window_id"] : ["starts_at"], message });
      return;
    }
    if (!next && (body.after !== undefined || body.duration_minutes !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [body.after !== undefined ? "after" : "duration_minutes"],
        message: "goes with next_allowed only",
      });
      return;
    }
    if (next) return;
    const pairs: [keyof typeof body, keyof typeof body][] = explicit
      ? [["starts_at", "ends_at"]]
      : [["window_id", "occurrence_starts_at"]];
    for (const [a, b] of pairs) {
      if (body[a] === undefined)
        ctx.addIssue({ code: "custom", path: [a], message: `${a} is required with ${b}` });
      if (body[b] === undefined)
        ctx.addIssue({ code: "custom", path: [b], message: `${b} is required with ${a}` });
    }
  })
  .openapi("WindowBooking", {
    ...(OPENAPI_DOCS && {
      description:
        'An explicit UTC range, one occurrence of a stored window (GET /v1/calendar lists them with window_id and starts_at), or `{"next_allowed": true}` for the earliest slot the policy allows.',
    }),
  });

export const TransitionSchema = z
  .strictObject({ to: StageSchema, reason: z.string().trim().max(2000).optional() })
  .openapi("Transition");

export const DecisionSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("go_no_go"),
      outcome: z.enum(["go", "no_go"]),
      rationale: z.string().trim().min(1, "say why").max(4000),
      return_to: z.enum(["planning", "pre_deployment_verification"]).optional(),
    }),
    z.strictObject({
      kind: z.literal("stability"),
      outcome: z.enum(["stable", "unstable"]),
      rationale: z.string().trim().min(1, "say why").max(4000),
    }),
    z.strictObject({
      kind: z.enum(["halt", "resume", "rollback"]),
      rationale: z.string().trim().min(1, "say why").max(4000),
    }),
  ])
  .openapi("Decision");

export const ReasonSchema = z
  .strictObject({ reason: z.string().trim().min(1, "say why").max(4000) })
  .openapi("Reason");

export const TestResultCreateSchema = z
  .strictObject({
    stage: z.enum(["staging", "smoke", "verification", "uat"]),
    suite: z.string().trim().min(1).max(200),
    status: z.enum(["passed", "failed", "running", "skipped"]),
    url: HttpsUrlSchema.optional(),
  })
  .openapi("TestResultCreate");

export const TestResultSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    stage: z.string(),
    suite: z.string(),
    status: z.string(),
    url: z.string().nullable(),
    source: z.string(),
    reported_by: z.uuid().nullable(),
    created_at: Timestamp,
  })
  .openapi("TestResult");

export const DeploymentReportSchema = z
  .strictObject({
    kind: z.enum(["deployment_started", "deployment_completed", "deployment_failed"]),
    detail: z.string().trim().max(4000).optional(),
  })
  .openapi("DeploymentReport");

export const DeploymentLogEntrySchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    kind: z.string(),
    detail: z.string().nullable(),
    url: z.string().nullable(),
    rollback_position: z.number().int().nullable(),
    rollback_outcome: z.string().nullable(),
    source: z.string(),
    recorded_by: z.uuid().nullable(),
    created_at: Timestamp,
  })
  .openapi("DeploymentLogEntry");

export const RollbackStepReportSchema = z
  .strictObject({
    position: z.number().int().min(1),
    outcome: z.enum(["done", "failed"]),
    note: z.string().trim().max(4000).optional(),
  })
  .openapi("RollbackStepReport");

const EventActorSchema = z
  .union([
    z.object({
      kind: z.literal("member"),
      member_id: z.uuid(),
      name: z
        .string()
        .optional()
        .openapi({
          ...(OPENAPI_DOCS && { description: "With `?expand=actor`: the member's current name." }),
        }),
      role: z
        .string()
        .optional()
        .openapi({
          ...(OPENAPI_DOCS && { description: "With `?expand=actor`: the member's current role." }),
        }),
      deactivated: z
        .boolean()
        .optional()
        .openapi({
          ...(OPENAPI_DOCS && { description: "With `?expand=actor`: removed from the agency since." }),
        }),
    }),
    z.object({
      kind: z.literal("system"),
      name: z.enum(["scheduler", "ci", "policy"]).openapi({
        ...(OPENAPI_DOCS && {
          description:
            "scheduler: the cron; ci: a signed CI report; policy: an agency policy (e.g. auto_rollback_on_failure).",
        }),
      }),
    }),
    z.object({
      kind: z.literal("contact"),
      contact_id: z.uuid().openapi({
        ...(OPENAPI_DOCS && {
          description:
            "A client contact who answered an approval link (sign-off or UAT). Only the id: GET /v1/contacts/{id} for who it is.",
        }),
      }),
    }),
  ])
  .openapi("ReleaseEventActor");

export const EventSchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    attempt: z.number().int(),
    type: z.string(),
    actor: EventActorSchema.openapi({
      ...(OPENAPI_DOCS && {
        description:
          "Who acted. The stored trail holds ids only; `?expand=actor` adds the member's name and role as they are now.",
      }),
    }),
    // What the event records; its fields depend on `type`.
    data: JsonObjectSchema,
    before: z.union([AuditSnapshotSchema, z.null()]),
    after: z.union([AuditSnapshotSchema, z.null()]),
    request_id: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi("ReleaseEvent");
