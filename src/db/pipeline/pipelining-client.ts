import type { PoolClient } from "@neondatabase/serverless";
import {
  type PipelinedStatement,
  PipelinedStatements,
  type StatementResult,
  type TypeParsers,
} from "./pipelined-statements";
import { StatementsAhead } from "./statement-queue";

interface QueryConfig {
  text: string;
  values?: readonly unknown[];
  rowMode?: "array";
  types?: TypeParsers;
}

const ANSWERED_LOCALLY: StatementResult = { command: "", rowCount: null, rows: [], fields: [] };

/**
 * The connection as drizzle sees it, with statements that can wait to travel with the next one.
 * A request's transaction start (BEGIN, the role and tenant settings, the credential check) is
 * queued here and leaves with the request's first query, in one message; a read opens every message
 * with its settings instead, so each query is a whole transaction in one round trip. Everything else
 * passes straight to the driver's client.
 */
export class PipeliningClient extends StatementsAhead {
  private deferNextStatement = false;

  constructor(private readonly client: PoolClient) {
    super();
  }

  /**
   * Every message sent from now on starts with these statements. Outside an explicit transaction
   * the statements of one message up to its Sync are one implicit transaction, so a message that
   * starts with `set_config(…, true)` runs all of it under those settings, and they end at its Sync.
   */
  prefixEveryMessage(statements: readonly { text: string; values: readonly unknown[] }[]): void {
    this.prefix = statements;
  }

  /** The next statement (drizzle's BEGIN) is answered at once and sent with the one after it. */
  deferNext(): void {
    this.deferNextStatement = true;
  }

  query<Row = Record<string, unknown>>(
    config: QueryConfig | string,
    values?: readonly unknown[],
  ): Promise<StatementResult<Row>> {
    return this.dispatch(config, values) as Promise<StatementResult<Row>>;
  }

  private dispatch(config: QueryConfig | string, values?: readonly unknown[]): Promise<StatementResult> {
    const query: QueryConfig = typeof config === "string" ? { text: config } : config;
    const params = values ?? query.values ?? [];
    if (this.deferNextStatement) {
      this.deferNextStatement = false;
      // Its failure still surfaces: Postgres then skips the statements sent with it, and they reject.
      void this.sendAhead(query.text, params).catch(() => undefined);
      return Promise.resolve(ANSWERED_LOCALLY);
    }
    if (this.nothingAhead) {
      return this.client.query(query as never, params as never) as unknown as Promise<StatementResult>;
    }
    return new Promise<StatementResult>((resolve, reject) => {
      this.send(
        this.take([
          { text: query.text, values: params, rowMode: query.rowMode, types: query.types, resolve, reject },
        ]),
      );
    });
  }

  protected send(batch: PipelinedStatement[]): Promise<void> {
    const settled = Promise.all(
      batch.map(
        (statement) =>
          new Promise<void>((done) => {
            const { resolve, reject } = statement;
            statement.resolve = (result) => {
              resolve(result);
              done();
            };
            statement.reject = (error) => {
              reject(error);
              done();
            };
          }),
      ),
    );
    this.client.query(new PipelinedStatements(batch) as never);
    return settled.then(() => undefined);
  }
}
