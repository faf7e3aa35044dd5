import { types as defaultTypes } from "@neondatabase/serverless";
import { extendedQueryMessages } from "./extended-query-messages";
import { toPostgresText } from "./statement-values";

type TypeParser = (text: string) => unknown;

export interface TypeParsers {
  getTypeParser(oid: number, format?: "text" | "binary"): TypeParser;
}

/** What node-postgres answers for a query, in the shape drizzle reads. */
export interface StatementResult<Row = unknown> {
  command: string;
  rowCount: number | null;
  rows: Row[];
  fields: { name: string; dataTypeID: number }[];
}

/** One statement of a pipeline, with the promise its caller awaits. */
export interface PipelinedStatement {
  text: string;
  values: readonly unknown[];
  rowMode?: "array" | undefined;
  types?: TypeParsers | undefined;
  resolve(result: StatementResult): void;
  reject(error: unknown): void;
  /**
   * Runs on this statement's answer before any later statement's answer is handed out; throwing
   * withholds every later answer (they reject with the same error), so a check on the caller's
   * credential decides whether the query sent with it is ever seen.
   */
  check?: ((result: StatementResult) => void) | undefined;
  /** Sent only with another statement, never alone (see StatementsAhead.sendWithNext). */
  onlyWithOthers?: boolean | undefined;
  /**
   * A prepared statement's name (one name, one text): parsed once per connection, then only bound.
   * Postgres plans such a statement once it has seen a few executions, not on every one.
   */
  name?: string | undefined;
}

interface ProtocolField {
  name: string;
  dataTypeID: number;
  format?: "text" | "binary";
}

/**
 * What the batch uses of node-postgres' connection: its socket, the Sync that ends a turn, and its
 * record of the prepared statements it holds (shared with the driver's own named queries).
 */
interface WritableConnection {
  stream: { writable: boolean; write(bytes: Uint8Array): boolean };
  sync(): void;
  parsedStatements?: Record<string, string>;
}

class Answer {
  command = "";
  rowCount: number | null = null;
  readonly rows: unknown[] = [];
  fields: ProtocolField[] = [];
  private parsers: TypeParser[] = [];

  constructor(private readonly statement: PipelinedStatement) {}

  describe(fields: ProtocolField[]): void {
    this.fields = fields;
    const types = this.statement.types ?? defaultTypes;
    this.parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, field.format ?? "text"));
  }

  addRow(values: (string | null)[]): void {
    const parsed = values.map((value, index) => (value === null ? null : this.parsers[index]?.(value)));
    if (this.statement.rowMode === "array") {
      this.rows.push(parsed);
      return;
    }
    const row: Record<string, unknown> = {};
    this.fields.forEach((field, index) => {
      row[field.name] = parsed[index];
    });
    this.rows.push(row);
  }

  complete(tag: string): void {
    // "SELECT 3", "INSERT 0 1", "UPDATE 2", "BEGIN": the command and, where there is one, the count.
    const words = tag.split(" ");
    this.command = words[0] ?? "";
    const count = Number(words[words.length - 1]);
    this.rowCount = words.length > 1 && Number.isInteger(count) ? count : null;
  }

  result(): StatementResult {
    return {
      command: this.command,
      rowCount: this.rowCount,
      rows: this.rows,
      fields: this.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
    };
  }
}

/**
 * Several statements written to the connection at once and closed by one Sync: the Neon driver
 * sends writes made in one tick as one WebSocket message, so the whole batch costs one round trip.
 * Inside an explicit transaction the statements share it; without one, Postgres runs them as one
 * implicit transaction that ends at the Sync. After an error Postgres skips the rest up to the Sync,
 * so the failing statement and every one after it reject with that error.
 *
 * It is a node-postgres "submittable" (the interface pg-cursor uses): the client hands it the
 * protocol messages of its turn and moves on at ReadyForQuery.
 */
export class PipelinedStatements {
  private readonly answers: Answer[];
  private completed = 0;
  private settled = false;
  private connection: WritableConnection | undefined;

  constructor(private readonly statements: readonly PipelinedStatement[]) {
    this.answers = statements.map((statement) => new Answer(statement));
  }

  submit(connection: WritableConnection): Error | undefined {
    this.connection = connection;
    const held = connection.parsedStatements ?? {};
    const messages = extendedQueryMessages(
      this.statements.map(({ text, values, name }) => ({
        text,
        values: values.map(toPostgresText),
        name,
        parsed: name !== undefined && held[name] === text,
      })),
    );
    // As the driver's own writes: a socket that is no longer writable takes nothing, and the
    // connection's error or end settles the batch.
    if (connection.stream.writable) connection.stream.write(messages);
    connection.sync();
    return undefined;
  }

  handleRowDescription(message: { fields: ProtocolField[] }): void {
    this.answers[this.completed]?.describe(message.fields);
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.answers[this.completed]?.addRow(message.fields);
  }

  handleCommandComplete(message: { text: string }): void {
    this.answers[this.completed]?.complete(message.text);
    this.completed++;
  }

  handleEmptyQuery(): void {
    this.completed++;
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail("COPY is not supported in a pipeline");
  }

  handleCopyData(): void {}

  handleReadyForQuery(): void {
    this.deliver(undefined);
  }

  handleError(error: unknown): void {
    this.deliver(error);
  }

  /**
   * Only a statement the server answered is known to be prepared: after an error Postgres skips
   * the rest of the batch, its Parse included. One parsed but not recorded is closed and parsed
   * again next time.
   */
  private recordPrepared(): void {
    const held = this.connection?.parsedStatements;
    if (!held) return;
    this.statements.forEach(({ name, text }, index) => {
      if (name !== undefined && index < this.completed) held[name] = text;
    });
  }

  private deliver(serverError: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.recordPrepared();
    handOutInOrder(
      this.statements,
      (index) => this.answers[index]?.result() as StatementResult,
      this.completed,
      serverError,
    );
  }
}

/**
 * Hands out a batch's answers in order: the first `answered` statements resolve with their results
 * once their checks pass, and from the first failure on (the server's, for the statements it did not
 * answer, or a check's) every statement rejects with it. Both transports settle batches through it.
 */
export function handOutInOrder(
  statements: readonly PipelinedStatement[],
  resultOf: (index: number) => StatementResult,
  answered: number,
  serverError: unknown,
): void {
  let failure: unknown;
  statements.forEach((statement, index) => {
    if (failure === undefined && index >= answered && serverError !== undefined) failure = serverError;
    if (failure !== undefined) {
      statement.reject(failure);
      return;
    }
    const result = resultOf(index);
    try {
      statement.check?.(result);
    } catch (error) {
      failure = error;
      statement.reject(error);
      return;
    }
    statement.resolve(result);
  });
}
