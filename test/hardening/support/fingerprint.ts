import type { PipeliningClient } from "../../../src/db/pipeline/pipelining-client";
import { withDatabase } from "../../support/database";

/** Per table: how many rows one agency has and a digest of their contents. */
export type Fingerprint = Record<string, { rows: number; digest: string }>;

/** Every public table with a `tenant_id` column, from the catalogue, so a table added later is included. */
export async function tenantTables(client: PipeliningClient): Promise<string[]> {
  const tables = await client.query<{ table_name: string }>(
    `select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'tenant_id'
      order by table_name`,
  );
  return tables.rows.map((row) => row.table_name);
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Everything one agency owns, read as the database owner (no row-level
 * security, no application filter): every tenant table plus the agency's own
 * `tenants` row. Two equal fingerprints mean nothing changed.
 */
export async function tenantFingerprint(tenantId: string): Promise<Fingerprint> {
  return withDatabase((handle) =>
    handle.withConnection(async (_db, client) => {
      const fingerprint: Fingerprint = {};
      const targets = [
        { table: "tenants", column: "id" },
        ...(await tenantTables(client)).map((table) => ({ table, column: "tenant_id" })),
      ];
      for (const { table, column } of targets) {
        const result = await client.query<{ rows: string; digest: string | null }>(
          `select count(*) as rows, md5(string_agg(t::text, '|' order by t::text)) as digest
             from public.${quoteIdent(table)} t where ${quoteIdent(column)} = $1`,
          [tenantId],
        );
        const row = result.rows[0];
        fingerprint[table] = { rows: Number(row?.rows ?? 0), digest: row?.digest ?? "" };
      }
      return fingerprint;
    }),
  );
}
