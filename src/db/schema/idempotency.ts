import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { at } from "./columns";

// A retried POST with the same Idempotency-Key returns the first response. The
// row is written in the same transaction as the work, so a failed attempt
// leaves no key behind and a concurrent duplicate waits on the primary key.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    // The platform admin's keys use the nil UUID as their scope.
    tenantId: uuid().notNull(),
    key: text().notNull(),
    fingerprint: text().notNull(),
    responseStatus: integer(),
    responseBody: jsonb(),
    createdAt: at().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "idempotency_keys_pkey", columns: [t.tenantId, t.key] }),
    // The cron prunes by age; this keeps that a range scan however many agencies there are.
    index("idempotency_keys_created_at_idx").on(t.createdAt),
  ],
);
