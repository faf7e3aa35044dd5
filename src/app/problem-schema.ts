import { z } from "@hono/zod-openapi";
import { GATE_IDS } from "../domain/lifecycle";
import { WINDOW_KINDS } from "../domain/windows/types";
import { JsonValueSchema } from "./json-value-schema";
import { OPENAPI_DOCS } from "./openapi-docs";

// The problem document (RFC 9457) with every extension member a caller can act on typed, so a
// generated client reads `unmet_gates` as gates and a window refusal's suggestions as slots.

export const GateSchema = z
  .object({
    id: z.enum(GATE_IDS).openapi({ example: "staging_tests_passed" }),
    stage: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "The stage the gate guards (or `reattempt`)." }),
      example: "pre_deployment_verification",
    }),
    ok: z.boolean(),
    detail: z
      .string()
      .openapi({ ...(OPENAPI_DOCS && { description: "What holds, or what to do for it to hold." }) }),
  })
  .openapi("Gate");

const OccurrenceRefSchema = z
  .object({
    window_id: z.string(),
    occurrence_key: z.string(),
    kind: z.enum(WINDOW_KINDS),
    name: z.string().openapi({ example: "Tuesday night maintenance" }),
    source: z.enum(["window", "holiday"]),
    starts_at: z.string().openapi({ format: "date-time" }),
    ends_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WindowOccurrenceRef");

const POLICY_RULES = [
  "allowed_in_maintenance_window",
  "allowed_in_business_hours",
  "owner_override",
  "invalid_slot",
  "freeze",
  "high_risk_requires_maintenance_window",
  "low_risk_requires_business_hours_or_maintenance_window",
] as const;

export const WindowPolicySchema = z
  .object({
    rule: z.enum(POLICY_RULES).openapi({ ...(OPENAPI_DOCS && { description: "The rule that decided." }) }),
    reasons: z.array(
      z.object({
        code: z.enum([...POLICY_RULES, "override_rejected"]),
        message: z.string(),
        occurrence: OccurrenceRefSchema.nullable(),
      }),
    ),
  })
  .openapi("WindowPolicyVerdict", {
    ...(OPENAPI_DOCS && { description: "Why a slot is allowed or refused, rule by rule." }),
  });

export const SuggestedSlotSchema = z
  .object({
    starts_at: z.string().openapi({
      format: "date-time",
      ...(OPENAPI_DOCS && { description: "The earliest allowed start in this stretch." }),
    }),
    ends_at: z.string().openapi({
      format: "date-time",
      ...(OPENAPI_DOCS && { description: "Where the allowed stretch ends." }),
    }),
    occurrences: z.array(OccurrenceRefSchema),
  })
  .openapi("SuggestedSlot");

// Its own component rather than JsonObject with a description: describing a named schema where it
// is used rewrites that schema's description everywhere.
const WithheldReplaySchema = z.record(z.string(), JsonValueSchema).openapi("ReplayWithoutCredential", {
  ...(OPENAPI_DOCS && {
    description:
      "With a replayed Idempotency-Key whose response carried a credential shown once: that response without the credential.",
  }),
});

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/docs#problem-validation_failed" }),
    title: z.string().openapi({ example: "The request did not validate" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "body.version: Required" }),
    instance: z.string().openapi({ example: "/v1/releases" }),
    request_id: z.string(),
    code: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "Stable machine-readable code." }),
      example: "validation_failed",
    }),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: "body.version" }), message: z.string() }))
      .optional()
      .openapi({ ...(OPENAPI_DOCS && { description: "Each field to fix." }) }),
    unmet_gates: z
      .array(GateSchema)
      .optional()
      .openapi({ ...(OPENAPI_DOCS && { description: "With `gates_unmet`: the gates that do not hold." }) }),
    lifecycle_code: z
      .string()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "With a refused release command: the lifecycle's reason code." }),
        example: "wrong_stage",
      }),
    policy: WindowPolicySchema.optional(),
    suggestions: z
      .array(SuggestedSlotSchema)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "With a refused window: the next slots the policy allows." }),
      }),
    example_window: z
      .object({
        kind: z.literal("maintenance"),
        name: z.string(),
        start: z
          .string()
          .openapi({ ...(OPENAPI_DOCS && { description: "Local wall-clock start, YYYY-MM-DDTHH:MM." }) }),
        duration_minutes: z.int(),
        recurrence: z.object({ freq: z.literal("weekly"), by_day: z.array(z.string()) }),
      })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "With a refused window and nothing allowed soon: a window ready to POST to /v1/windows.",
        }),
      }),
    applied: WithheldReplaySchema.optional(),
  })
  // RFC 9457 lets a problem carry more members; the ones the API sends are declared above.
  .catchall(JsonValueSchema)
  .openapi("Problem");
