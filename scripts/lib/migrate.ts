import { fileURLToPath } from "node:url";
import type { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Applies every migration not yet recorded in `drizzle.__drizzle_migrations`.
 * Safe to run again: applied migrations are skipped, and the role set-up in
 * them is guarded because roles are shared by every database in a cluster.
 */
export async function applyMigrations(pool: Pool): Promise<void> {
  await migrate(drizzle({ client: pool }), { migrationsFolder });
}
