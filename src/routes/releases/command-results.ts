import { z } from "@hono/zod-openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { STAGES, STATUSES } from "../../domain/lifecycle/stages";
import { MonitoringSchema } from "../release-facts/schemas";
import { ReleaseSchema } from "./schemas";

// A release command answers with the release after it and `result`: what that command did. Each
// kind of command has its own response schema, so a generated client reads `result` as the shape
// runOperation (src/releases/operations/index.ts) really returns for it, never as unknown.

const LifecyclePositionSchema = z.object({
  stage: z.enum(STAGES),
  status: z.enum(STATUSES),
  attempt: z.number().int().min(1),
});

const LifecycleOutcomeSchema = z
  .object({
    rule: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "The lifecycle rule that applied." }),
      example: "go_inside_window",
    }),
    capacity: z.string().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "In which capacity the caller acted: release_manager, owner_as_release_manager, reporter, ci, scheduler or policy.",
      }),
      example: "release_manager",
    }),
    next: LifecyclePositionSchema.openapi({
      ...(OPENAPI_DOCS && { description: "Where the release is now." }),
    }),
    events: z
      .array(z.string())
      .openapi({ ...(OPENAPI_DOCS && { description: "The audit events recorded, in order." }) }),
    failure_state: LifecyclePositionSchema.optional().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "With `auto_rollback_on_failure`: where the failed deployment or smoke test left the release before the policy rolled it back.",
      }),
    }),
    auto_rollback: z
      .object({ rule: z.string(), capacity: z.string() })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "With `auto_rollback_on_failure`: the rollback the policy decided.",
        }),
      }),
  })
  .openapi("LifecycleOutcome", {
    ...(OPENAPI_DOCS && { description: "What a transition, decision or report did." }),
  });

const BookedSlotSchema = z
  .object({
    booked: z.object({
      starts_at: z.string().openapi({ format: "date-time" }),
      ends_at: z.string().openapi({ format: "date-time" }),
      window_id: z
        .uuid()
        .nullable()
        .openapi({ ...(OPENAPI_DOCS && { description: "The stored window the slot starts in." }) }),
      windows: z
        .array(z.string())
        .openapi({ ...(OPENAPI_DOCS && { description: "The names of the windows the slot lies in." }) }),
      allowed_until: z.string().openapi({
        format: "date-time",
        ...(OPENAPI_DOCS && { description: "Where the allowed stretch the slot was taken from ends." }),
      }),
    }),
  })
  .openapi("BookedSlot", {
    ...(OPENAPI_DOCS && { description: "With `next_allowed`: the slot the policy chose." }),
  });

// `result` carries no description of its own: on a named schema it would replace the
// component's description (the response's description says what `result` is instead).
const releaseAfter = <T extends z.ZodType>(name: string, result: T, description: string) =>
  ReleaseSchema.extend({ result }).openapi(name, {
    ...(OPENAPI_DOCS && { description: `The release after the command; \`result\`: ${description}` }),
  });

export const ReleaseAfterCommandSchema = releaseAfter(
  "ReleaseAfterCommand",
  LifecycleOutcomeSchema,
  "The release after a transition, decision or report; `result` says what the command did.",
);

export const ReleaseAfterEditSchema = releaseAfter(
  "ReleaseAfterEdit",
  z.null(),
  "The release after an edit (fields, team, test plan, rollback procedure); `result` is always null, the release shows the change.",
);

export const ReleaseAfterWindowSchema = releaseAfter(
  "ReleaseAfterWindow",
  z.union([BookedSlotSchema, z.null()]),
  "The release with its window; `result` is the slot booked with `next_allowed`, null for an explicit slot.",
);

export const ReleaseAfterMonitoringSchema = releaseAfter(
  "ReleaseAfterMonitoring",
  MonitoringSchema,
  "The release after a monitoring change; `result` is its monitoring now.",
);

export const ReleaseAfterRecipientsSchema = releaseAfter(
  "ReleaseAfterRecipients",
  z.object({
    release_id: z.uuid(),
    contacts: z
      .number()
      .int()
      .min(0)
      .openapi({ ...(OPENAPI_DOCS && { description: "How many contacts are on the list." }) }),
    members: z
      .number()
      .int()
      .min(0)
      .openapi({ ...(OPENAPI_DOCS && { description: "How many members are on the list." }) }),
  }),
  "The release after its communication list was replaced; `result` counts the list.",
);

export const ReleaseAfterCancellationSchema = releaseAfter(
  "ReleaseAfterCancellation",
  z.object({
    cancelled: z.array(z.uuid()).openapi({
      ...(OPENAPI_DOCS && { description: "The ids of the messages cancelled (none if already sent)." }),
    }),
  }),
  "The release after a cancellation; `result` lists the messages cancelled.",
);
