// A local stand-in for Neon's HTTP SQL endpoint (`POST /sql`), served by the bridge so the Worker's
// `DB_TRANSPORT=http` path can run against PGlite or the machine's PostgreSQL. It answers what the
// Neon driver's `neon()` function sends (node_modules/@neondatabase/serverless, `execute`):
//
//   headers  Neon-Connection-String    the database URL; its host:port must be an allowed target
//            Neon-Raw-Text-Output: true values come back as Postgres's text, parsed by the caller
//            Neon-Array-Mode: true      rows come back as arrays
//            Neon-Batch-Read-Only, Neon-Batch-Isolation-Level, Neon-Batch-Deferrable (transactions)
//   body     {query, params}            one statement, on its own
//            {queries: [{query, params}, …]}  one transaction: BEGIN …, each statement, COMMIT
//   200      {fields, rows, command, rowCount, rowAsArray} or {results: [that, …]}
//   400      a Postgres error: {message, code, detail, …} (the driver makes a NeonDbError with them)
//
// Parameters are always bound (they travel as the statement's parameters, never in its text). The
// statements reach the database on a connection opened through the bridge's own WebSocket endpoint
// with the driver's Client, so the allow-list is the same one the WebSocket path obeys and the
// authentication is the real server's.

import { createRequire } from "node:module";
import { Client, errorFields } from "@neondatabase/serverless";
import type { WebSocket as WebSocketType } from "ws";

// Node's resolver, not the test bundler's (which would pick the browser build).
const { WebSocket } = createRequire(import.meta.url)("ws") as { WebSocket: typeof WebSocketType };

/** Larger bodies are refused; the Worker's reads are a few statements. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

interface SqlStatement {
  query: string;
  params: unknown[];
}

export interface SqlAnswer {
  status: number;
  body: unknown;
}

interface Field {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
}

/** Values stay Postgres's text: the Worker parses them by the field's type OID, as Neon's answers require. */
const TEXT_AS_IS = { getTypeParser: () => (value: string) => value };

/**
 * Runs one `/sql` request. `proxyAddress` is the bridge's own `host:port`, through which the
 * connection is opened; `allowed` the bridge's allow-list of `host:port` targets.
 */
export async function answerSqlRequest(
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
  options: { proxyAddress: string; allowed: ReadonlySet<string> },
): Promise<SqlAnswer> {
  const header = (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const connectionString = header("Neon-Connection-String");
  if (!connectionString) return refusal(400, "Neon-Connection-String is missing");
  let target: string;
  try {
    const url = new URL(connectionString);
    target = `${url.hostname}:${url.port || "5432"}`;
  } catch {
    return refusal(400, "Neon-Connection-String is not a URL");
  }
  if (!options.allowed.has(target)) return refusal(403, "target not allowed");
  if (header("Neon-Raw-Text-Output") !== "true" || header("Neon-Array-Mode") !== "true") {
    return refusal(400, "this endpoint answers only Neon-Raw-Text-Output: true and Neon-Array-Mode: true");
  }

  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return refusal(400, "the body is not JSON");
  }
  const batch = (body as { queries?: unknown } | null)?.queries;
  const statements = Array.isArray(batch) ? batch.map(statementOf) : [statementOf(body)];
  if (statements.some((statement) => statement === undefined)) {
    return refusal(400, "each statement must be {query: string, params?: array}");
  }
  let begin: string | undefined;
  if (Array.isArray(batch)) {
    const isolation = header("Neon-Batch-Isolation-Level");
    if (isolation !== undefined && !ISOLATION_LEVELS[isolation])
      return refusal(400, "unknown Neon-Batch-Isolation-Level");
    const readOnly = header("Neon-Batch-Read-Only");
    const deferrable = header("Neon-Batch-Deferrable");
    begin = [
      "begin",
      isolation ? `isolation level ${ISOLATION_LEVELS[isolation]}` : "",
      readOnly === "true" ? "read only" : readOnly === "false" ? "read write" : "",
      deferrable === "true" ? "deferrable" : deferrable === "false" ? "not deferrable" : "",
    ]
      .filter(Boolean)
      .join(" ");
  }

  const client = new Client({ connectionString });
  client.neonConfig.webSocketConstructor = WebSocket;
  client.neonConfig.wsProxy = (host, port) => `${options.proxyAddress}/v1?address=${host}:${port}`;
  client.neonConfig.useSecureWebSocket = false;
  client.neonConfig.pipelineConnect = false;
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    // Neon's proxy answers a server error when it cannot reach the database; so does this one.
    return refusal(502, `cannot connect to the database: ${messageOf(error)}`);
  }
  try {
    const results: unknown[] = [];
    try {
      if (begin) await client.query(begin);
      for (const statement of statements as SqlStatement[]) {
        const result = await client.query({
          text: statement.query,
          values: statement.params,
          rowMode: "array",
          types: TEXT_AS_IS,
        });
        results.push({
          command: result.command,
          rowCount: result.rowCount,
          rows: result.rows,
          fields: (result.fields as Field[]).map((field) => ({
            name: field.name,
            tableID: field.tableID,
            columnID: field.columnID,
            dataTypeID: field.dataTypeID,
            dataTypeSize: field.dataTypeSize,
            dataTypeModifier: field.dataTypeModifier,
            format: "text",
          })),
          rowAsArray: true,
        });
      }
      if (begin) await client.query("commit");
    } catch (error) {
      if (begin) await client.query("rollback").catch(() => undefined);
      return postgresError(error);
    }
    return { status: 200, body: begin ? { results } : results[0] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function statementOf(value: unknown): SqlStatement | undefined {
  const { query, params = [] } = (value ?? {}) as { query?: unknown; params?: unknown };
  if (typeof query !== "string" || !Array.isArray(params)) return undefined;
  return { query, params };
}

/** Postgres's refusal, field by field as Neon reports it; anything else is the endpoint's failure. */
function postgresError(error: unknown): SqlAnswer {
  const fields = error as Record<string, unknown>;
  if (typeof fields?.code !== "string")
    return refusal(502, `the database connection failed: ${messageOf(error)}`);
  const body: Record<string, unknown> = { message: messageOf(error) };
  for (const name of errorFields) if (fields[name] !== undefined) body[name] = fields[name];
  return { status: 400, body };
}

function refusal(status: number, message: string): SqlAnswer {
  return { status, body: { message } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { MAX_BODY_BYTES as MAX_SQL_BODY_BYTES };
