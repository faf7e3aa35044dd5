import type { PoolClient } from "@neondatabase/serverless";
import { NeonDatabase, NeonDriver } from "drizzle-orm/neon-serverless";
import { PgDialect } from "drizzle-orm/pg-core";

/** The dialect (with its cache of column names) is the same for every connection of the isolate. */
let dialect: PgDialect | undefined;

/**
 * `drizzle({ client, casing: "snake_case" })` without its cost per call. The queries are built
 * with the query builder from the tables themselves, never with drizzle's relational `db.query`
 * API, so no schema is handed over: given one, drizzle walks all of it on every call, and a
 * request or command calls this once per connection (in a profile of authenticated reads that walk
 * was a tenth of the Worker's CPU). Only the session over the client is new each time.
 */
export function drizzleOver(client: PoolClient): NeonDatabase {
  dialect ??= new PgDialect({ casing: "snake_case" });
  return new NeonDatabase(dialect, new NeonDriver(client, dialect).createSession(undefined), undefined);
}
