import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { StageSchema, StatusSchema } from "./schemas";

const Named = z.object({ id: z.uuid(), name: z.string() });
const Person = z.object({ member_id: z.uuid(), name: z.string() });

/** GET /v1/releases/{id}/plan as JSON: the document src/domain/lifecycle/plan.ts builds. */
export const ReleasePlanSchema = z
  .object({
    release: z.object({
      id: z.uuid(),
      version: z.string(),
      title: z.string(),
      git_ref: z.string().nullable(),
      commit_sha: z.string().nullable(),
      risk: z.enum(["low", "high"]),
      attempt: z.number().int(),
      stage: StageSchema,
      status: StatusSchema,
    }),
    client: Named,
    project: Named,
    timezone: z.string().openapi({
      ...(OPENAPI_DOCS && {
        description: "The zone of every local time in the plan: the client's, else the agency's.",
      }),
      example: "Australia/Sydney",
    }),
    compliance: z.object({
      flags: z.object({
        touches_pricing_promotions_or_claims: z.boolean(),
        touches_personal_data: z.boolean(),
        sends_commercial_email: z.boolean(),
      }),
      laws: z.array(z.string()).openapi({ example: ["Australian Consumer Law"] }),
    }),
    scope: z.string(),
    change_log: z.array(
      z.object({
        summary: z.string(),
        kind: z.string().nullable(),
        reference: z.string().nullable(),
        public: z
          .boolean()
          .openapi({ ...(OPENAPI_DOCS && { description: "Shown to clients on the release notes page." }) }),
      }),
    ),
    window: z
      .object({
        starts_at: Timestamp,
        ends_at: Timestamp,
        starts_local: z.string().openapi({ example: "Sat 14 Mar 2026, 22:00 AEDT" }),
        ends_local: z.string(),
        timezone: z.string(),
        confirmed: z.boolean(),
        policy_ok: z.boolean().openapi({
          ...(OPENAPI_DOCS && {
            description: "The agency's window policy allows this slot for the release's risk.",
          }),
        }),
      })
      .nullable(),
    team: z.object({
      release_manager: Person.nullable(),
      engineers: z.array(Person),
      testers: z.array(Person),
      approvers: z.array(Person),
    }),
    monitoring: z.object({
      dashboards: z.array(z.object({ name: z.string(), url: z.string() })),
      confirmed_by: z.uuid().nullable(),
      confirmed_at: Timestamp.nullable(),
      confirmed_local: z.string().nullable(),
    }),
    communication: z
      .array(
        z.object({
          kind: z.enum(["contact", "member"]),
          role: z.string(),
          name: z.string().nullable(),
          will_receive: z.object({ factual: z.boolean(), commercial: z.boolean() }),
        }),
      )
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Who hears about the release, by name and role (addresses: GET /v1/releases/{id}/recipients).",
        }),
      }),
    rollback_procedure: z.array(
      z.object({ position: z.number().int(), title: z.string(), details: z.string().nullable() }),
    ),
    go_no_go: z
      .object({
        recommendation: z.enum(["go", "no_go"]),
        reasons: z.array(z.object({ code: z.string(), effect: z.string(), message: z.string() })),
      })
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && { description: "While the go/no-go decision is due; null otherwise." }),
      }),
    test_plan: z.array(
      z.object({
        stage: z.enum(["staging", "smoke", "verification", "uat"]),
        suites: z.array(z.object({ suite: z.string(), description: z.string().nullable() })),
      }),
    ),
    checklist: z.array(
      z.object({
        stage: StageSchema,
        items: z.array(
          z.object({
            key: z.string(),
            title: z.string(),
            required: z.boolean(),
            category: z.enum(["general", "acl", "privacy", "spam"]),
            status: z.enum(["open", "done", "n_a"]),
          }),
        ),
      }),
    ),
  })
  .openapi("ReleasePlan");
