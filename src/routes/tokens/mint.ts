import { insertToken } from "../../db/repositories/tokens";
import type { MemberRow } from "../../db/schema";
import type { Tx } from "../../db/scope";
import type { RuntimeConfig } from "../../env";
import { issueToken, type Role } from "../../lib/auth/tokens";
import { uuidv7 } from "../../lib/ids";

const DAY_MS = 86_400_000;

/** Records a token row (its id is the JWT's jti, so it can be revoked) and signs the JWT. */
export async function mintApiToken(
  tx: Tx,
  config: RuntimeConfig,
  input: { member: MemberRow; name: string; createdBy: string | null; ttlDays?: number | undefined },
) {
  const expiresAt = new Date(Date.now() + (input.ttlDays ?? config.TOKEN_TTL_DAYS) * DAY_MS);
  const row = await insertToken(tx, {
    id: uuidv7(),
    tenantId: input.member.tenantId,
    memberId: input.member.id,
    name: input.name,
    createdBy: input.createdBy,
    expiresAt,
  });
  const token = await issueToken(
    config,
    { tokenId: row.id, tenantId: row.tenantId, memberId: row.memberId, role: input.member.role as Role },
    expiresAt,
  );
  return { row, token };
}
