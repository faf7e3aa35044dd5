import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import { findTenant, type TenantChanges, updateTenant } from "../../db/repositories/tenants";
import { definedOnly } from "../../lib/objects";
import { notFound } from "../../lib/problem";
import { refreshFollowingSchedules } from "../../windows/stored-windows";
import { type getTenant, type patchTenant, TENANT_SETTINGS_ROLES } from "./routes";
import { presentTenant } from "./schemas";

export const getTenantHandler: AppRouteHandler<typeof getTenant> = async (c) => {
  const tenant = await withTenant(c, ({ tx, actor }) => findTenant(tx, actor.tenantId));
  if (!tenant) throw notFound("The agency");
  return c.json(presentTenant(tenant), 200);
};

export const patchTenantHandler: AppRouteHandler<typeof patchTenant> = async (c) => {
  const body = c.req.valid("json");
  const tenant = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, TENANT_SETTINGS_ROLES, "Changing agency settings");
    const changes: TenantChanges = {
      name: body.name,
      timezone: body.timezone,
      state: body.state,
      holidaysEnabled: body.holidays_enabled,
      secondApproverForHighRisk: body.second_approver_for_high_risk,
      autoRollbackOnFailure: body.auto_rollback_on_failure,
      retentionDays: body.retention_days,
      senderName: body.sender?.name,
      senderEmail: body.sender?.email,
      senderPostalAddress: body.sender?.postal_address,
      senderPhone: body.sender?.phone,
    };
    const updated = await updateTenant(tx, actor.tenantId, definedOnly(changes));
    // Windows without their own zone follow the agency's: their next occurrence moves with it.
    if (updated && body.timezone !== undefined) await refreshFollowingSchedules(tx, actor.tenantId, {});
    return updated;
  });
  if (!tenant) throw notFound("The agency");
  return c.json(presentTenant(tenant), 200);
};
