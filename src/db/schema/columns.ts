import { sql } from "drizzle-orm";
import { timestamp, uuid } from "drizzle-orm/pg-core";

// Ids are UUIDv7, minted by the application (src/lib/ids.ts), so they sort by
// creation time and cursor pagination can page on the primary key alone.
export const id = () => uuid().primaryKey().default(sql`gen_random_uuid()`);

export const tenantId = () => uuid().notNull();

/** A point in time, always with its zone: stored as timestamptz, read as a Date. */
export const at = () => timestamp({ withTimezone: true, mode: "date" });

export const timestamps = {
  createdAt: at().notNull().defaultNow(),
  updatedAt: at().notNull().defaultNow(),
};
