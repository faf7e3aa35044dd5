import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { MemberRow } from "../../db/schema";
import { maskEmail } from "../../domain/notifications";
import { ROLES } from "../../lib/auth/tokens";
import { EmailSchema, NameSchema } from "../../lib/validation";

export const RoleSchema = z
  .enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` })
  .openapi("Role", {
    ...(OPENAPI_DOCS && {
      description:
        "owner: everything, may act as release manager. release_manager: plans releases and, when assigned to one, decides go/no-go, halt and rollback. engineer: reports test results and deployments. viewer: reads.",
    }),
  });

export const MemberSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z
      .string()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Shown in full to owners and to the member themselves; masked (a***@e***.com.au) for everyone else (Privacy Act APP 3: collect and show only what the role needs).",
        }),
      }),
    role: RoleSchema,
    active: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Member");

export const MemberPageSchema = pageOf(MemberSchema, "MemberPage");

export const MemberCreateSchema = z
  .strictObject({ name: NameSchema, email: EmailSchema, role: RoleSchema })
  .openapi("MemberCreate");

export const MemberPatchSchema = z
  .strictObject({ name: NameSchema.optional(), email: EmailSchema.optional(), role: RoleSchema.optional() })
  .openapi("MemberPatch");

/** Who is reading: owners and the member themselves see the address, others a masked one. */
export interface MemberReader {
  role: string;
  memberId: string;
}

export function presentMember(row: MemberRow, reader?: MemberReader) {
  const seesAddress = !reader || reader.role === "owner" || reader.memberId === row.id;
  return {
    id: row.id,
    name: row.name,
    email: seesAddress ? row.email : maskEmail(row.email),
    role: row.role as (typeof ROLES)[number],
    active: row.deactivatedAt === null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
