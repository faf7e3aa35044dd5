import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { DeliveryRow, IntegrationWithProjects } from "../../db/repositories/integrations";
import { STAGE_TARGETS } from "../../domain/ci-events";
import { providerDeliveryId } from "../../integrations/delivery-keys";
import { trimTrailing } from "../../lib/strings";
import { NameSchema } from "../../lib/validation";
import { WEBHOOK_PROVIDERS } from "../../lib/webhook-signatures";

const ProviderSchema = z
  .enum(WEBHOOK_PROVIDERS, { message: `provider must be one of ${WEBHOOK_PROVIDERS.join(", ")}` })
  .openapi({
    ...(OPENAPI_DOCS && { description: "Which CI system sends the webhooks; decides the signature scheme." }),
  });

export const StageMapSchema = z
  .record(
    z
      .string()
      .trim()
      .min(1, "a stage_map key must not be empty")
      .max(200, "a stage_map key is at most 200 characters"),
    z.enum(STAGE_TARGETS, { message: `a stage_map value is one of ${STAGE_TARGETS.join(", ")}` }),
  )
  .refine((map) => Object.keys(map).length <= 100, "stage_map has at most 100 entries")
  .openapi({
    ...(OPENAPI_DOCS && {
      description:
        "Workflow, pipeline, job, check or environment name → test stage or `deployment`. Names are matched exactly, then case-insensitively; events whose name is not here are acknowledged and ignored.",
    }),
    example: { "Staging tests": "staging", "Smoke tests": "smoke", production: "deployment" },
  });

const ProjectIdsSchema = z
  .array(z.uuid({ message: "project_ids must be project UUIDs" }))
  .min(1, "name at least one project")
  .max(50, "at most 50 projects")
  .openapi({
    ...(OPENAPI_DOCS && {
      description: "Projects this CI source reports for; events are matched by each project's repository.",
    }),
  });

export const IntegrationCreateSchema = z
  .strictObject({
    provider: ProviderSchema,
    name: NameSchema,
    project_ids: ProjectIdsSchema,
    stage_map: StageMapSchema.optional(),
  })
  .openapi("IntegrationCreate");

export const IntegrationPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    project_ids: ProjectIdsSchema.optional(),
    stage_map: StageMapSchema.optional(),
    enabled: z
      .boolean()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "false stops the receiver (404) without deleting the delivery history.",
        }),
      }),
  })
  .openapi("IntegrationPatch");

export const RotateSecretSchema = z
  .strictObject({
    overlap_hours: z
      .number()
      .min(0, "overlap_hours is 0 to 168")
      .max(168, "overlap_hours is 0 to 168")
      .default(24)
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "How long the old secret stays accepted beside the new one (default 24, 0 retires it at once), so you can update the CI side without losing deliveries.",
        }),
      }),
  })
  .openapi("IntegrationRotateSecret");

export const IntegrationSchema = z
  .object({
    id: z.uuid(),
    provider: ProviderSchema,
    name: z.string(),
    project_ids: z.array(z.uuid()),
    stage_map: z.record(z.string(), z.string()),
    receiver_url: z
      .string()
      .openapi({ ...(OPENAPI_DOCS && { description: "Where the CI system posts: POST /hooks/{id}." }) }),
    enabled: z.boolean(),
    previous_secret_expires_at: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && {
        description: "While set and in the future, the rotated-out secret is still accepted.",
      }),
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Integration");

export const IntegrationWithSecretSchema = IntegrationSchema.extend({
  secret: z.string().openapi({
    ...(OPENAPI_DOCS && {
      description:
        "The webhook secret. Shown only in this response: store it in your CI provider's settings now.",
    }),
  }),
}).openapi("IntegrationWithSecret");

export const IntegrationPageSchema = pageOf(IntegrationSchema, "IntegrationPage");

export const DELIVERY_OUTCOMES = [
  "received",
  "applied",
  "duplicate",
  "ignored",
  "rejected",
  "malformed",
  "unmatched",
  "failed",
] as const;

export const DeliverySchema = z
  .object({
    id: z.uuid(),
    delivery_id: z
      .string()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "The provider's delivery id (GitHub X-GitHub-Delivery, webhook-id…).",
        }),
      }),
    event_type: z.string().nullable(),
    outcome: z.enum(DELIVERY_OUTCOMES).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "received (processing), applied, duplicate (a redelivery, no effect), ignored (not used, or already known), rejected (bad signature, or the release's rules refused it), malformed, unmatched (no release for the repository and commit), failed (our side; a redelivery retries it).",
      }),
    }),
    reason: z.string().nullable(),
    release_id: z.uuid().nullable(),
    received_at: Timestamp,
    processed_at: Timestamp.nullable(),
  })
  .openapi("WebhookDelivery");

export const DeliveryPageSchema = z
  .object({
    items: z.array(DeliverySchema),
    next_cursor: z.string().nullable(),
    counts_last_7_days: z.record(z.string(), z.number().int()).openapi({
      ...(OPENAPI_DOCS && {
        description: "Deliveries per outcome over the last 7 days, ignored ones included.",
      }),
    }),
  })
  .openapi("WebhookDeliveryPage");

export function receiverUrl(base: string, integrationId: string): string {
  return `${trimTrailing(base, "/")}/hooks/${integrationId}`;
}

export function presentIntegration(row: IntegrationWithProjects, base: string) {
  return {
    id: row.id,
    provider: row.provider as (typeof WEBHOOK_PROVIDERS)[number],
    name: row.name,
    project_ids: row.projectIds,
    stage_map: row.stageMap,
    receiver_url: receiverUrl(base, row.id),
    enabled: row.disabledAt === null,
    previous_secret_expires_at:
      row.previousSecretExpiresAt && row.previousSecretCiphertext !== null
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    delivery_id: providerDeliveryId(row.deliveryId),
    event_type: row.eventType,
    outcome: row.outcome as (typeof DELIVERY_OUTCOMES)[number],
    reason: row.reason,
    release_id: row.releaseId,
    received_at: row.receivedAt.toISOString(),
    processed_at: row.processedAt?.toISOString() ?? null,
  };
}
