import type { PoolClient } from "@neondatabase/serverless";
import {
  createTableRelationsHelpers,
  type ExtractTablesWithRelations,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
} from "drizzle-orm";
import {
  type NeonDatabase,
  NeonDatabase as NeonDatabaseClass,
  NeonDriver,
} from "drizzle-orm/neon-serverless";
import { PgDialect } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** What every drizzle instance of this isolate shares: the dialect (with its name cache) and the schema's relational map. */
interface Shared {
  dialect: PgDialect;
  relational: RelationalSchemaConfig<ExtractTablesWithRelations<typeof schema>>;
}

let shared: Shared | undefined;

function buildShared(): Shared {
  const tables = extractTablesRelationalConfig<ExtractTablesWithRelations<typeof schema>>(
    schema,
    createTableRelationsHelpers,
  );
  return {
    dialect: new PgDialect({ casing: "snake_case" }),
    relational: { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap },
  };
}

/**
 * `drizzle({ client, schema, casing: "snake_case" })` without its cost. drizzle() walks the whole
 * schema every time it is called, and a request or command calls it once per connection: in a
 * profile of authenticated reads that walk was a tenth of the Worker's CPU. Both things it builds
 * depend on the schema alone, so they are built once per isolate; what is per connection (the
 * session over the client) is still new every time.
 */
export function drizzleOver(client: PoolClient): NeonDatabase<typeof schema> {
  shared ??= buildShared();
  const session = new NeonDriver(client, shared.dialect).createSession(shared.relational);
  // drizzle() also sets `$client`; nothing here reads it (queries go through the session).
  return new NeonDatabaseClass(shared.dialect, session, shared.relational);
}
