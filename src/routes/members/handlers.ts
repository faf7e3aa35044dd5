import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { revokeUnsubscribeLinks } from "../../db/repositories/contacts";
import {
  countActiveOwners,
  findMember,
  insertMember,
  listMembers as listMemberRows,
  revokeTokensOfMember,
  updateMember,
} from "../../db/repositories/members";
import type { MemberRow } from "../../db/schema";
import type { Tx } from "../../db/scope";
import { uuidv7 } from "../../lib/ids";
import { definedOnly } from "../../lib/objects";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import {
  type createMember,
  type getMember,
  type listMembers,
  MEMBER_ADMIN_ROLES,
  type patchMember,
  type removeMember,
  type revokeMemberLinks,
} from "./routes";
import { presentMember } from "./schemas";

export const listMembersHandler: AppRouteHandler<typeof listMembers> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const { rows, actor } = await withTenant(c, async ({ tx, actor }) => ({
    rows: await listMemberRows(tx, actor.tenantId, after, limit),
    actor,
  }));
  return c.json(
    toPage(rows, limit, (row) => presentMember(row, actor)),
    200,
  );
};

export const createMemberHandler: AppRouteHandler<typeof createMember> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, MEMBER_ADMIN_ROLES, "Adding members");
    return idempotent(c, tx, actor.tenantId, async () => {
      const row = await insertMember(tx, { id: uuidv7(), tenantId: actor.tenantId, ...body });
      return { status: 201 as const, body: presentMember(row) };
    });
  });
  return respondCreated(c, `/v1/members/${result.body.id}`, result.body);
};

export const getMemberHandler: AppRouteHandler<typeof getMember> = async (c) => {
  const { id } = c.req.valid("param");
  const { row, actor } = await withTenant(c, async ({ tx, actor }) => ({
    row: await findMember(tx, actor.tenantId, id),
    actor,
  }));
  if (!row) throw notFound("The member");
  return c.json(presentMember(row, actor), 200);
};

async function assertKeepsAnOwner(tx: Tx, member: MemberRow, action: string): Promise<void> {
  if (member.role !== "owner" || member.deactivatedAt !== null) return;
  if ((await countActiveOwners(tx, member.tenantId)) <= 1) {
    throw new ApiError(
      "conflict",
      `${action} would leave the agency without an owner; make someone else owner first.`,
    );
  }
}

export const patchMemberHandler: AppRouteHandler<typeof patchMember> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const row = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, MEMBER_ADMIN_ROLES, "Changing members");
    const member = await findMember(tx, actor.tenantId, id);
    if (!member) throw notFound("The member");
    if (body.role && body.role !== "owner") await assertKeepsAnOwner(tx, member, "This role change");
    return updateMember(tx, actor.tenantId, id, definedOnly(body));
  });
  if (!row) throw notFound("The member");
  return c.json(presentMember(row), 200);
};

export const removeMemberHandler: AppRouteHandler<typeof removeMember> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, MEMBER_ADMIN_ROLES, "Removing members");
    const member = await findMember(tx, actor.tenantId, id);
    if (!member) throw notFound("The member");
    if (member.deactivatedAt !== null) return;
    await assertKeepsAnOwner(tx, member, "Removing this member");
    const now = new Date();
    await revokeTokensOfMember(tx, actor.tenantId, id, now);
    await updateMember(tx, actor.tenantId, id, { deactivatedAt: now });
  });
  return c.body(null, 204);
};

export const revokeMemberLinksHandler: AppRouteHandler<typeof revokeMemberLinks> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, MEMBER_ADMIN_ROLES, "Revoking a member's unsubscribe links");
    if (!(await revokeUnsubscribeLinks(tx, actor.tenantId, { memberId: id }))) throw notFound("The member");
  });
  return c.body(null, 204);
};
