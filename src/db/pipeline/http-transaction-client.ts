import { type FullQueryResults, NeonDbError, neon, neonConfig } from "@neondatabase/serverless";
import {
  handOutInOrder,
  type PipelinedStatement,
  type StatementResult,
  type TypeParsers,
} from "./pipelined-statements";
import { StatementsAhead } from "./statement-queue";
import { toPostgresText } from "./statement-values";

interface QueryConfig {
  text: string;
  values?: readonly unknown[];
  rowMode?: "array";
  types?: TypeParsers;
}

export interface HttpTransactionConfig {
  /** The database URL; over HTTP the driver sends it as the Neon-Connection-String header. */
  url: string;
  /**
   * Where the driver POSTs its SQL (`http://127.0.0.1:<port>/sql`, the project's bridge); unset in
   * production, where the driver derives Neon's own endpoint from the URL's host.
   */
  endpoint?: string | undefined;
  /** Statements that open every transaction (the scope's settings, and `transaction_read_only` for a read). */
  prefix: readonly { text: string; values: readonly unknown[] }[];
  /** Run each transaction READ ONLY (a read), or let it write (an autocommit scope); READ ONLY by default. */
  readOnly?: boolean;
  /** How long one request may take before it is given up as a connection failure (a 503). */
  timeoutMs?: number;
}

/**
 * A request to the HTTP SQL endpoint still unanswered after this long is abandoned, so a hung
 * endpoint answers 503 with Retry-After rather than holding the caller, and answers it before a CI
 * provider gives up on a webhook (GitHub waits 10 s) and sends it again. Far above any one-shot
 * transaction here: the heaviest read, a year of delivery metrics, takes about a second and a half
 * on 10,000 releases.
 */
export const HTTP_REQUEST_TIMEOUT_MS = 8_000;

/** The driver's own endpoint for Neon hosts, so a handle without `endpoint` puts it back. */
const NEON_FETCH_ENDPOINT = neonConfig.fetchEndpoint;

/**
 * The connection as drizzle sees it for a scope whose every query is its own transaction (a read,
 * or an autocommit scope such as a webhook's claim) over Neon's HTTP SQL API: every query is one
 * HTTPS request carrying Neon's non-interactive `transaction` — the scope's settings, whatever
 * waits ahead (the token check), then the query — run READ ONLY for a read, and committed by the
 * server. No WebSocket is opened, so there is no connection start-up to pay; the price is that
 * nothing can be decided between statements (no interactive transaction), which such a scope never
 * needs.
 *
 * Same contract as PipeliningClient for a read: `sendAhead` statements travel with the next query,
 * their checks run on their answers before the query's rows are handed out, and a throwing check
 * withholds them. Neon answers a failed transaction with the one error and no results, so when the
 * server refuses any statement every statement of the request rejects with that error — except that
 * statements with a check are asked again on their own first, so their verdict is never lost.
 */
export class HttpTransactionClient extends StatementsAhead {
  private readonly sql;
  private readonly endpoint: string | undefined;
  private readonly readOnly: boolean;
  private readonly timeoutMs: number;

  constructor(config: HttpTransactionConfig) {
    super();
    this.sql = neon<boolean, true>(config.url, { fullResults: true });
    this.endpoint = config.endpoint;
    this.prefix = config.prefix;
    this.readOnly = config.readOnly ?? true;
    this.timeoutMs = config.timeoutMs ?? HTTP_REQUEST_TIMEOUT_MS;
  }

  query<Row = Record<string, unknown>>(
    config: QueryConfig | string,
    values?: readonly unknown[],
  ): Promise<StatementResult<Row>> {
    const query: QueryConfig = typeof config === "string" ? { text: config } : config;
    const params = values ?? query.values ?? [];
    return new Promise<StatementResult>((resolve, reject) => {
      void this.send(
        this.take([
          { text: query.text, values: params, rowMode: query.rowMode, types: query.types, resolve, reject },
        ]),
      );
    }) as Promise<StatementResult<Row>>;
  }

  protected async send(batch: PipelinedStatement[]): Promise<void> {
    let results: FullQueryResults<boolean>[];
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const queries = batch.map((statement) =>
        this.sql.query(
          statement.text,
          // The same text the WebSocket pipeline sends, so both transports bind identical values.
          statement.values.map(toPostgresText),
          {
            arrayMode: statement.rowMode === "array",
            fullResults: true,
            types: statement.types as never,
          },
        ),
      );
      // A driver-wide setting, read synchronously when the request starts (below, before any
      // await), so handles with different endpoints in one isolate cannot see each other's.
      neonConfig.fetchEndpoint = this.endpoint ?? NEON_FETCH_ENDPOINT;
      results = (await this.sql.transaction(queries, {
        readOnly: this.readOnly,
        // A timed-out fetch rejects like an unreachable endpoint (a NeonDbError with its source).
        fetchOptions: { signal },
      })) as FullQueryResults<boolean>[];
    } catch (caught) {
      // The driver wraps a failed fetch, not a body cut off by the timeout while it was read.
      const error = signal.aborted && !(caught instanceof NeonDbError) ? timedOut(caught) : caught;
      const lastChecked = batch.findLastIndex((statement) => statement.check !== undefined);
      if (lastChecked >= 0 && lastChecked < batch.length - 1 && isServerRefusal(error)) {
        await this.judgeChecksAlone(batch, lastChecked, error);
        return;
      }
      handOutInOrder(batch, () => NO_RESULT, 0, error);
      return;
    }
    handOutInOrder(batch, (index) => statementResult(results[index]), batch.length, undefined);
  }

  /**
   * Postgres refused a statement after a check, and Neon answers a failed transaction with its
   * error alone, so the check's verdict was lost with it. Its statements are asked again on their
   * own: a refused credential is still what the caller hears (as over the WebSocket, where the check
   * is answered first); if the checks pass, what came after them rejects with the server's error.
   */
  private async judgeChecksAlone(batch: PipelinedStatement[], lastChecked: number, error: unknown) {
    let refusal: unknown;
    const checked = batch.slice(0, lastChecked + 1).map((statement) => ({
      ...statement,
      reject(reason: unknown) {
        refusal ??= reason;
        statement.reject(reason);
      },
    }));
    await this.send(checked);
    for (const statement of batch.slice(lastChecked + 1)) statement.reject(refusal ?? error);
  }
}

/** A request abandoned by its timeout, as the driver reports an endpoint it cannot reach. */
function timedOut(cause: unknown): NeonDbError {
  const error = new NeonDbError("Error connecting to database: the request timed out");
  error.sourceError = cause instanceof Error ? cause : new Error(String(cause));
  return error;
}

const NO_RESULT: StatementResult = { command: "", rowCount: null, rows: [], fields: [] };

/** Postgres refused a statement (an SQLSTATE), as opposed to the request not getting through. */
function isServerRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P0|53300)/.test(code);
}

function statementResult(result: FullQueryResults<boolean> | undefined): StatementResult {
  if (!result) return NO_RESULT;
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
  };
}

/**
 * The HTTP request never got an answer from Postgres: fetch failed (the driver keeps the cause as
 * `sourceError`), or the endpoint answered with a server error instead of Postgres's (a 400
 * carrying the SQLSTATE is Postgres's own answer).
 */
export function isHttpConnectionFailure(error: unknown): boolean {
  if (!(error instanceof NeonDbError)) return false;
  if (error.sourceError !== undefined) return true;
  return error.code === undefined && /^Server error \(HTTP status 5\d\d\)/.test(error.message);
}
