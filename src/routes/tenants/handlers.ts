import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, PLATFORM_SCOPE, withSystem } from "../../app/request-scope";
import { insertMember } from "../../db/repositories/members";
import { insertTenant } from "../../db/repositories/tenants";
import { insertWindow } from "../../db/repositories/windows";
import type { Tx } from "../../db/scope";
import { defaultWindowsForAgency } from "../../domain/windows";
import { uuidv7 } from "../../lib/ids";
import { scheduleFrom, toRecurrenceJson } from "../../windows/stored-windows";
import { presentMember } from "../members/schemas";
import { presentTenant } from "../tenant/schemas";
import { mintApiToken } from "../tokens/mint";
import { presentToken } from "../tokens/schemas";
import type { createTenant } from "./routes";

/**
 * A new agency starts with business hours Monday–Friday 09:00–17:00, so low-risk releases can be booked
 * before anyone configures windows. Stored without a zone: it follows the agency's time zone.
 */
async function insertDefaultWindows(tx: Tx, tenantId: string, timezone: string): Promise<void> {
  const now = new Date();
  for (const definition of defaultWindowsForAgency(timezone, now)) {
    const id = uuidv7();
    await insertWindow(tx, {
      id,
      tenantId,
      kind: definition.kind,
      name: definition.name,
      timezone: null,
      startLocal: definition.start,
      durationMinutes: definition.duration_minutes,
      recurrence: toRecurrenceJson(definition.recurrence),
      ...scheduleFrom({ ...definition, id, timezone }, now),
    });
  }
}

const OWNER_TOKEN_SHOWN_ONCE = {
  fields: ["token"],
  instead:
    "the agency exists; issue its owner a new token with POST /v1/tokens using the owner's token, or ask support",
};

export const createTenantHandler: AppRouteHandler<typeof createTenant> = async (c) => {
  const config = c.get("config");
  const body = c.req.valid("json");
  const result = await withSystem(c, (tx) =>
    idempotent(
      c,
      tx,
      PLATFORM_SCOPE,
      async () => {
        const tenant = await insertTenant(tx, {
          id: uuidv7(),
          slug: body.slug,
          name: body.name,
          timezone: body.timezone,
          state: body.state,
          senderName: body.name,
        });
        const owner = await insertMember(tx, {
          id: uuidv7(),
          tenantId: tenant.id,
          name: body.owner?.name ?? "Owner",
          email: body.owner?.email ?? null,
          role: "owner",
        });
        await insertDefaultWindows(tx, tenant.id, body.timezone);
        const { row, token } = await mintApiToken(tx, config, {
          member: owner,
          name: "Owner token",
          createdBy: null,
        });
        return {
          status: 201 as const,
          body: {
            tenant: presentTenant(tenant),
            owner: presentMember(owner),
            token: { ...presentToken(row), token },
          },
        };
      },
      OWNER_TOKEN_SHOWN_ONCE,
    ),
  );
  return respondCreated(c, "/v1/tenant", result.body);
};
