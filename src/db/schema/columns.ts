import { sql } from "drizzle-orm";
import { timestamp, uuid } from "drizzle-orm/pg-core";

// Ids are UUIDv7, minted by the application (src/lib/ids.ts), so they sort by
// creation time and cursor pagination can page on the primary key alone.
export const id = () => uuid().primaryKey().default(sql`gen_random_uuid()`);

export const tenantId = () => uuid().notNull();

export const timestamps = {
  createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
};
