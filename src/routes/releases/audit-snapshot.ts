import { z } from "@hono/zod-openapi";
import { JsonObjectSchema, JsonValueSchema } from "../../app/json-value-schema";

/**
 * What a change replaced and what it became, as the audit trail stored it: the fields of a row
 * (an object) or a whole list (a plan, a procedure). Left unnamed: the document flattens it into
 * the nullable `before` and `after`.
 */
export const AuditSnapshotSchema = z.union([JsonObjectSchema, z.array(JsonValueSchema)]);

export type AuditSnapshot = z.infer<typeof AuditSnapshotSchema>;
