import type { AppRouteHandler } from "../../app/context";
import { idempotent, PLATFORM_SCOPE, withSystem } from "../../app/request-scope";
import { insertMember } from "../../db/repositories/members";
import { insertTenant } from "../../db/repositories/tenants";
import { uuidv7 } from "../../lib/ids";
import { presentMember } from "../members/schemas";
import { presentTenant } from "../tenant/schemas";
import { mintApiToken } from "../tokens/mint";
import { presentToken } from "../tokens/schemas";
import type { createTenant } from "./routes";

export const createTenantHandler: AppRouteHandler<typeof createTenant> = async (c) => {
  const config = c.get("config");
  const body = c.req.valid("json");
  const result = await withSystem(c, (tx) =>
    idempotent(c, tx, PLATFORM_SCOPE, async () => {
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
    }),
  );
  return c.json(result.body, 201);
};
