import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { findMember } from "../../db/repositories/members";
import {
  findToken,
  listTokens as listTokenRows,
  revokeToken as revokeTokenRow,
} from "../../db/repositories/tokens";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { mintApiToken } from "./mint";
import type { createToken, getToken, listTokens, revokeToken } from "./routes";
import { MAX_MEMBER_TOKEN_DAYS, presentToken } from "./schemas";

export const listTokensHandler: AppRouteHandler<typeof listTokens> = async (c) => {
  const { limit, cursor, member_id } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) => {
    const memberId = actor.role === "owner" ? member_id : actor.memberId;
    return listTokenRows(tx, actor.tenantId, { memberId }, after, limit);
  });
  return c.json(toPage(rows, limit, presentToken), 200);
};

export const createTokenHandler: AppRouteHandler<typeof createToken> = async (c) => {
  const body = c.req.valid("json");
  const config = c.get("config");
  const result = await withTenant(c, async ({ tx, actor }) => {
    if (actor.role !== "owner" && body.member_id !== actor.memberId) {
      throw new ApiError(
        "forbidden",
        "Only owners may issue tokens for other members; ask an owner, or use your own member_id.",
      );
    }
    if (actor.role !== "owner" && (body.expires_in_days ?? 0) > MAX_MEMBER_TOKEN_DAYS) {
      throw new ApiError(
        "unprocessable",
        `Your role may issue tokens that live at most ${MAX_MEMBER_TOKEN_DAYS} days; ask an owner for a longer-lived one.`,
        {
          errors: [
            { path: "body.expires_in_days", message: `at most ${MAX_MEMBER_TOKEN_DAYS} for your role` },
          ],
        },
      );
    }
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        const member = await findMember(tx, actor.tenantId, body.member_id);
        if (!member) {
          throw new ApiError("unprocessable", "member_id names no member of your agency.", {
            errors: [{ path: "body.member_id", message: "unknown member" }],
          });
        }
        if (member.deactivatedAt)
          throw new ApiError("conflict", "The member has been removed; tokens cannot be issued for them.");
        const { row, token } = await mintApiToken(tx, config, {
          member,
          name: body.name ?? "API token",
          createdBy: actor.memberId,
          ttlDays: body.expires_in_days,
        });
        return { status: 201 as const, body: { ...presentToken(row), token } };
      },
      TOKEN_SHOWN_ONCE,
    );
  });
  return respondCreated(c, `/v1/tokens/${result.body.id}`, result.body);
};

const TOKEN_SHOWN_ONCE = {
  fields: ["token"],
  instead: "revoke it with DELETE /v1/tokens/{id} and issue a new one",
};

export const getTokenHandler: AppRouteHandler<typeof getToken> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, async ({ tx, actor }) => {
    const token = await findToken(tx, actor.tenantId, id);
    return token && (actor.role === "owner" || token.memberId === actor.memberId) ? token : undefined;
  });
  if (!row) throw notFound("The token");
  return c.json(presentToken(row), 200);
};

export const revokeTokenHandler: AppRouteHandler<typeof revokeToken> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    const token = await findToken(tx, actor.tenantId, id);
    // Someone else's token is invisible to non-owners: 404, not 403.
    if (!token || (actor.role !== "owner" && token.memberId !== actor.memberId)) throw notFound("The token");
    if (token.revokedAt) return;
    await revokeTokenRow(tx, actor.tenantId, id, new Date());
  });
  return c.body(null, 204);
};
