import { type ApiResponse, api } from "../../support/api";
import { withDatabase } from "../../support/database";
import { type Fingerprint, quoteIdent, tenantTables } from "../support/fingerprint";
import type { Operation } from "../support/spec";
import type { ValidRequest } from "../support/valid-request";

// What the isolation, credentials and token sweeps share: sending a built
// request with some credentials, recognising the expected problem, comparing
// fingerprints, and collecting every failure before failing once.

/** Sends a built request with a bearer token (or none), overriding headers where asked. */
export function send(
  request: ValidRequest,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return api(request.url, {
    method: request.method,
    token,
    headers: { ...request.headers, ...headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

/** Undefined when the response is the problem expected; otherwise what is wrong with it. */
export function problemMismatch(res: ApiResponse, status: number, code: string): string | undefined {
  const contentType = res.headers.get("Content-Type") ?? "";
  if (res.status === status && contentType.includes("application/problem+json") && res.body?.code === code) {
    return undefined;
  }
  return `expected ${status} ${code} problem+json, got ${res.status} ${contentType} ${res.text.slice(0, 300)}`;
}

/** The tables whose row count or digest differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((table) => {
    const a = before[table];
    const b = after[table];
    return a?.rows !== b?.rows || a?.digest !== b?.digest;
  });
}

/**
 * Reads first, then the other writes, DELETEs last: the sweeps that run
 * allowed requests must not delete what a later operation names.
 */
export function readsThenWritesThenDeletes(list: Operation[]): Operation[] {
  const rank = (operation: Operation) =>
    operation.method === "get" ? 0 : operation.method === "delete" ? 2 : 1;
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** Collects failures and prints them all, so one run shows every finding. */
export class Failures {
  readonly list: string[] = [];
  add(operation: Operation | string, message: string) {
    this.list.push(`${typeof operation === "string" ? operation : operation.id}: ${message}`);
  }
  print(label: string) {
    if (this.list.length > 0)
      console.log(`${label}: ${this.list.length} failure(s)\n${this.list.join("\n")}`);
  }
}

/**
 * The tenant's tables (every public table with a tenant_id) whose rows of that
 * tenant mention any of `ids` anywhere in their text, read as the database
 * owner: how a sweep proves another agency's id was stored nowhere.
 */
export function tablesMentioning(tenantId: string, ids: string[]): Promise<string[]> {
  return withDatabase((handle) =>
    handle.withConnection(async (_db, client) => {
      const patterns = ids.map((id) => `%${id}%`);
      const found: string[] = [];
      for (const table of await tenantTables(client)) {
        const result = await client.query<{ hits: string }>(
          `select count(*) as hits from public.${quoteIdent(table)} t where tenant_id = $1 and t::text like any($2)`,
          [tenantId, patterns],
        );
        if (Number(result.rows[0]?.hits ?? 0) > 0) found.push(table);
      }
      return found;
    }),
  );
}
