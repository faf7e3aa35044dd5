import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import { findTenant, type TenantChanges, updateTenant } from "../../db/repositories/tenants";
import type { TenantRow } from "../../db/schema";
import { definedOnly } from "../../lib/objects";
import { ApiError, notFound } from "../../lib/problem";
import { EmailNotConfiguredError, sendSenderConfirmation } from "../../notifications/sender-confirmation";
import { emailSettings } from "../../notifications/settings";
import { refreshFollowingSchedules } from "../../windows/stored-windows";
import { type confirmSenderEmail, type getTenant, type patchTenant, TENANT_SETTINGS_ROLES } from "./routes";
import { presentTenant } from "./schemas";

export const getTenantHandler: AppRouteHandler<typeof getTenant> = async (c) => {
  const tenant = await withTenant(c, ({ tx, actor }) => findTenant(tx, actor.tenantId));
  if (!tenant) throw notFound("The agency");
  return c.json(presentTenant(tenant), 200);
};

const sameAddress = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

export const patchTenantHandler: AppRouteHandler<typeof patchTenant> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, TENANT_SETTINGS_ROLES, "Changing agency settings");
    const before = await findTenant(tx, actor.tenantId);
    if (!before) return undefined;
    const newAddress =
      body.sender?.email !== undefined && !sameAddress(body.sender.email, before.senderEmail);
    const changes: TenantChanges = {
      name: body.name,
      timezone: body.timezone,
      state: body.state,
      holidaysEnabled: body.holidays_enabled,
      secondApproverForHighRisk: body.second_approver_for_high_risk,
      clientSignOffForHighRisk: body.client_sign_off_for_high_risk,
      autoRollbackOnFailure: body.auto_rollback_on_failure,
      retentionDays: body.retention_days,
      senderName: body.sender?.name,
      senderEmail: body.sender?.email,
      // A new address must be confirmed again before it is anyone's Reply-To.
      senderEmailConfirmedAt: newAddress ? null : undefined,
      senderPostalAddress: body.sender?.postal_address,
      senderPhone: body.sender?.phone,
    };
    const updated = await updateTenant(tx, actor.tenantId, definedOnly(changes));
    // Windows without their own zone follow the agency's: their next occurrence moves with it.
    if (updated && body.timezone !== undefined) await refreshFollowingSchedules(tx, actor.tenantId, {});
    return updated && { tenant: updated, newAddress };
  });
  if (!result) throw notFound("The agency");
  if (result.newAddress && result.tenant.senderEmail && c.get("config").RESEND_API_KEY) {
    // After the answer: the owner sees the new address at once; a failed send can be repeated
    // with POST /v1/tenant/sender-email-confirmation.
    c.executionCtx.waitUntil(confirmationEmail(c, result.tenant).catch(logFailedConfirmation(c)));
  }
  return c.json(presentTenant(result.tenant), 200);
};

function confirmationEmail(c: AppContext, tenant: TenantRow) {
  return sendSenderConfirmation(
    emailSettings(c.get("config")),
    { id: tenant.id, name: tenant.senderName ?? tenant.name, email: tenant.senderEmail ?? "" },
    new Date(),
  );
}

const logFailedConfirmation = (c: AppContext) => (error: unknown) => {
  // The address stays out of the log; the owner can send the link again.
  console.warn(
    JSON.stringify({
      level: "warn",
      event: "sender_confirmation_not_sent",
      error: error instanceof Error ? error.name : "unknown",
      request_id: c.get("requestId"),
    }),
  );
};

export const confirmSenderEmailHandler: AppRouteHandler<typeof confirmSenderEmail> = async (c) => {
  const tenant = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, TENANT_SETTINGS_ROLES, "Confirming the agency's sender address");
    return findTenant(tx, actor.tenantId);
  });
  if (!tenant) throw notFound("The agency");
  if (!tenant.senderEmail) {
    throw new ApiError(
      "conflict",
      "The agency has no sender email to confirm. Set `sender.email` with PATCH /v1/tenant; the link is sent then.",
    );
  }
  if (tenant.senderEmailConfirmedAt) {
    throw new ApiError(
      "conflict",
      "The sender email is already confirmed. To use another address, set it with PATCH /v1/tenant.",
    );
  }
  try {
    const { expiresAt } = await confirmationEmail(c, tenant);
    return c.json({ email: tenant.senderEmail, expires_at: expiresAt.toISOString() }, 202);
  } catch (error) {
    if (error instanceof EmailNotConfiguredError) {
      throw new ApiError(
        "conflict",
        "This deployment sends no email (RESEND_API_KEY is not set), so the address cannot be confirmed. Ask the operator to configure email.",
      );
    }
    logFailedConfirmation(c)(error);
    throw new ApiError(
      "email_provider_unavailable",
      "The email provider did not take the confirmation email. Retry after the Retry-After interval.",
      {},
      { "Retry-After": "60" },
    );
  }
};
