// npm run db:migrate — applies migrations to DATABASE_URL (Neon, any Postgres)
// or, with no DATABASE_URL, to the embedded PGlite database in .data/.
import { connectScriptDatabase } from "./lib/database-connection.ts";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { applyMigrations } from "./lib/migrate.ts";
import { embeddedDataDir } from "./lib/paths.ts";

const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dataDir: embeddedDataDir });
const databaseUrl = process.env.DATABASE_URL ?? embedded?.databaseUrl ?? "";
const database = await connectScriptDatabase(databaseUrl);
try {
  await applyMigrations(database.pool);
  console.log(`migrations applied to ${embedded ? "the embedded database (.data/pglite)" : "DATABASE_URL"}`);
} finally {
  await database.close();
  await embedded?.close();
}
