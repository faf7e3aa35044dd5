import { neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { ApiError } from "../lib/problem";
import { drizzleOver } from "./drizzle-over";
import { HttpTransactionClient, isHttpConnectionFailure } from "./pipeline/http-transaction-client";
import { PipeliningClient } from "./pipeline/pipelining-client";
import type { StatementQueue } from "./pipeline/statement-queue";

/** drizzle over one connection; queries use the query builder, never the relational `db.query` API. */
export type Database = NeonDatabase;

export interface DatabaseConfig {
  url: string;
  /** `host:port` of the project's WebSocket bridge; unset in production, where the driver talks to Neon. */
  wsProxy?: string | undefined;
  /**
   * How scopes whose every query is its own transaction (reads, and autocommit scopes such as a
   * webhook's claim) reach Postgres: `websocket` (default) sends each query as one message on the
   * pool's connection; `http` sends it as one Neon HTTP SQL transaction, with no connection to
   * open. Transactions that span queries, Durable Object commands and the cron always use the
   * WebSocket pool.
   */
  transport?: DatabaseTransport | undefined;
  /** The bridge's HTTP SQL endpoint (`http://host:port/sql`); unset in production, where the driver uses Neon's. */
  httpEndpoint?: string | undefined;
  /**
   * The pool of a Durable Object's kept handle (WarmDatabase): how many connections it may hold,
   * and that idle ones stay open, since the object closes the handle itself once idle. Unset for a
   * request's handle: two connections, which the request ends with it.
   */
  pool?: { size: number; keepIdleConnections: boolean } | undefined;
}

export type DatabaseTransport = "websocket" | "http";

/** A statement that opens every transaction of a read (the scope's settings). */
export interface PrefixStatement {
  text: string;
  values: readonly unknown[];
}

/** The handle's settings from the Worker's configuration (see src/env.ts). */
export function databaseConfig(config: {
  DATABASE_URL: string;
  DB_WS_PROXY?: string | undefined;
  DB_TRANSPORT?: DatabaseTransport | undefined;
  DB_HTTP_ENDPOINT?: string | undefined;
}): DatabaseConfig {
  return {
    url: config.DATABASE_URL,
    wsProxy: config.DB_WS_PROXY,
    transport: config.DB_TRANSPORT,
    httpEndpoint: config.DB_HTTP_ENDPOINT,
  };
}

/** Seconds a client should wait before retrying when Postgres cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

function configureDriver(config: DatabaseConfig): void {
  if (config.wsProxy) {
    const proxy = config.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
  } else {
    neonConfig.pipelineConnect = "password";
  }
}

export function databaseUnavailable(): ApiError {
  return new ApiError(
    "database_unavailable",
    // Not "nothing was changed": the connection may drop after COMMIT was sent.
    "The database cannot be reached right now. Retry after the Retry-After interval; a write retried with the same Idempotency-Key is never applied twice.",
    {},
    { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
  );
}

// Postgres SQLSTATE classes that mean "the server is not there for you", as
// opposed to "your statement was wrong": connection exceptions (08), operator
// intervention such as a shutdown (57P0x), and too many connections (53300).
function hasConnectionFailureCode(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(08|57P0|53300)/.test(code);
}

function isConnectionFailure(error: unknown): boolean {
  if (hasConnectionFailureCode(error)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection timeout|not queryable|WebSocket|ECONNREFUSED|ECONNRESET|socket/i.test(
    message,
  );
}

/**
 * Closes a client's WebSocket under it, whatever it is doing; the query in flight then fails as a
 * lost connection. Not `client.end()`: that writes Terminate, which the driver buffers and sends on
 * a timer after it has closed the socket, and a send after close throws in workerd.
 */
function closeSocket(client: PoolClient): void {
  const { connection } = client as unknown as { connection?: { stream?: { destroy(): void } } };
  connection?.stream?.destroy();
}

/**
 * A connection handle for one request or one Durable Object command. The pool
 * is created on first use and never outlives the request: Workers forbid
 * sharing I/O objects between requests, and Neon recommends a pool per request.
 */
export class DatabaseHandle {
  private pool: Pool | undefined;
  /** Clients checked out of the pool now, so that terminate() can close them mid-query. */
  private readonly checkedOut = new Set<PoolClient>();
  /** Calls waiting for a connection, each failed by terminate(). */
  private readonly waitingForConnection = new Set<() => void>();
  /** Set by terminate(): the handle opens no connection again. */
  private terminated = false;

  constructor(private readonly config: DatabaseConfig) {}

  /** How scopes whose every query is its own transaction reach Postgres (DatabaseConfig.transport). */
  get transport(): DatabaseTransport {
    return this.config.transport ?? "websocket";
  }

  /** Runs `work` on one connection; connection failures become a 503 problem. */
  async withConnection<T>(work: (db: Database, pipeline: PipeliningClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    // A checked-out client reports a lost connection as an 'error' event; unheard, it is an
    // uncaught exception. It also tells us the failure was the connection's: the error that
    // reaches the catch below is then often the failed ROLLBACK's ("not queryable"), not the
    // statement's, and must still be a 503, not a 500.
    let connectionLost = false;
    const onConnectionError = () => {
      connectionLost = true;
    };
    client.on("error", onConnectionError);
    this.checkedOut.add(client);
    const pipeline = new PipeliningClient(client);
    try {
      return await work(drizzleOver(pipeline as unknown as PoolClient), pipeline);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (!(error instanceof ApiError) && (connectionLost || isConnectionFailure(cause))) {
        broken = true;
        throw databaseUnavailable();
      }
      throw error;
    } finally {
      this.checkedOut.delete(client);
      client.off("error", onConnectionError);
      client.release(broken || connectionLost);
    }
  }

  /**
   * Runs `work` whose every query is a whole transaction opened by `prefix` (a read, or an
   * autocommit scope), over the configured transport: on the WebSocket pool, each query's message
   * starts with the prefix and ends with its Sync (see PipeliningClient.prefixEveryMessage); over
   * HTTP, each query is one Neon `transaction` request, READ ONLY when `readOnly`. Connection
   * failures become a 503 problem either way.
   */
  async withQueriesInOwnTransactions<T>(
    prefix: readonly PrefixStatement[],
    { readOnly }: { readOnly: boolean },
    work: (db: Database, queue: StatementQueue) => Promise<T>,
  ): Promise<T> {
    if (this.config.transport !== "http") {
      return this.withConnection((db, pipeline) => {
        pipeline.prefixEveryMessage(prefix);
        return work(db, pipeline);
      });
    }
    const client = new HttpTransactionClient({
      url: this.config.url,
      endpoint: this.config.httpEndpoint,
      prefix,
      readOnly,
    });
    try {
      return await work(drizzleOver(client as unknown as PoolClient), client);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (
        !(error instanceof ApiError) &&
        (isHttpConnectionFailure(cause) || hasConnectionFailureCode(cause))
      ) {
        throw databaseUnavailable();
      }
      throw error;
    }
  }

  /** Ends the pool; call through `waitUntil` once the response is on its way. */
  async end(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.end().catch(() => undefined);
  }

  /**
   * Closes every connection now, the ones in use too: their queries fail as a lost connection (a
   * 503), and so do calls still waiting for a connection and any made later. For a connection that
   * stopped answering, which `end()` would wait on forever. Never throws.
   */
  terminate(): void {
    this.terminated = true;
    for (const abandon of this.waitingForConnection) abandon();
    this.waitingForConnection.clear();
    for (const client of this.checkedOut) {
      try {
        closeSocket(client);
      } catch {
        // A socket that already failed; the others must still be closed.
      }
    }
    this.checkedOut.clear();
    void this.end().catch(() => undefined);
  }

  /**
   * A connection from the pool, or a 503 problem. A call waiting for one when the handle is
   * terminated fails then, not after the pool's own connection timeout; a connection handed over
   * after that is ended, since nothing will use it.
   */
  private connect(): Promise<PoolClient> {
    if (this.terminated) return Promise.reject(databaseUnavailable());
    const pool = this.getPool();
    return new Promise<PoolClient>((resolve, reject) => {
      const abandon = () => reject(databaseUnavailable());
      this.waitingForConnection.add(abandon);
      pool.connect().then(
        (client) => {
          this.waitingForConnection.delete(abandon);
          if (!this.terminated) return resolve(client);
          // A connection that answered: ended the ordinary way (Terminate, then close), not
          // closed under the driver, which would send that Terminate after the close.
          try {
            client.release(true);
          } catch {
            // Already gone; nothing will use it either way.
          }
        },
        () => {
          this.waitingForConnection.delete(abandon);
          reject(databaseUnavailable());
        },
      );
    });
  }

  private getPool(): Pool {
    if (!this.pool) {
      configureDriver(this.config);
      const pool = new Pool({
        connectionString: this.config.url,
        max: this.config.pool?.size ?? 2,
        connectionTimeoutMillis: 5_000,
        // 0: never closed for idleness by the pool (the default closes them after 10 s).
        idleTimeoutMillis: this.config.pool?.keepIdleConnections ? 0 : 10_000,
      });
      // An idle client losing its socket must not crash the isolate; the next
      // query reconnects or fails with a 503.
      pool.on("error", () => undefined);
      this.pool = pool;
    }
    return this.pool;
  }
}
