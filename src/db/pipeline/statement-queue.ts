import type { PipelinedStatement, StatementResult } from "./pipelined-statements";

/**
 * What a scope's work may do besides querying through drizzle: queue statements to travel with its
 * next query and hold its answer back until a check passed. The WebSocket pipeline
 * (PipeliningClient) and the HTTP transaction (HttpTransactionClient) both offer it.
 */
export interface StatementQueue {
  /**
   * Queues a statement to go with the next one sent. Its promise settles when the batch's answers
   * arrive; a `check` that throws withholds every later statement's answer.
   */
  sendAhead(
    text: string,
    values: readonly unknown[],
    check?: (result: StatementResult) => void,
  ): Promise<StatementResult>;
  /**
   * Queues a statement that only leaves with another one, never alone; the function returned takes
   * it back if it has not left, and says whether it had.
   */
  sendWithNext(text: string, values: readonly unknown[]): () => boolean;
  /** Sends whatever waits ahead on its own (when the work made no query of its own). */
  flush(): Promise<void>;
  /**
   * Sends a query now, with whatever waits ahead, as the prepared statement `name` (one name, one
   * text): a connection that already holds it is sent only the values. Over HTTP, a plain query.
   */
  queryPrepared(name: string, text: string, values: readonly unknown[]): Promise<StatementResult>;
  /**
   * Runs `work` while `check` (a statement sent ahead) is in flight. The check's failure wins over
   * whatever the work answered or threw.
   */
  afterCheck<T>(check: Promise<unknown>, work: () => Promise<T>): Promise<T>;
}

/** `afterCheck` for either transport: `flush` sends whatever still waits ahead. */
export async function runAfterCheck<T>(
  check: Promise<unknown>,
  work: () => Promise<T>,
  flush: () => Promise<void>,
): Promise<T> {
  check.catch(() => undefined);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await work() };
  } catch (error) {
    outcome = { error };
  }
  await flush();
  await check;
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/**
 * What both transports share: statements queued to travel with the next one sent, behind the
 * statements that open every message (a read's settings). Each transport says how a batch is sent.
 */
export abstract class StatementsAhead implements StatementQueue {
  private ahead: PipelinedStatement[] = [];
  /** Statements that open every message; nobody reads their answers. */
  protected prefix: readonly { text: string; values: readonly unknown[] }[] = [];

  /**
   * Queues a statement to go with the next one sent. Its promise settles when the batch's answers
   * arrive; a `check` that throws withholds every later statement's answer.
   */
  sendAhead(text: string, values: readonly unknown[], check?: (result: StatementResult) => void) {
    return new Promise<StatementResult>((resolve, reject) => {
      this.ahead.push({ text, values, resolve, reject, check });
    });
  }

  /**
   * Queues a statement that only leaves with another one (a flush of it alone sends nothing), such
   * as a savepoint for work that may send nothing. The function returned takes it back if it has
   * not left, and says whether it had.
   */
  sendWithNext(text: string, values: readonly unknown[]): () => boolean {
    const statement: PipelinedStatement = {
      text,
      values,
      onlyWithOthers: true,
      // Nobody reads its answer; its failure rejects the statements sent after it.
      resolve() {},
      reject() {},
    };
    this.ahead.push(statement);
    return () => {
      const index = this.ahead.indexOf(statement);
      if (index === -1) return true;
      this.ahead.splice(index, 1);
      return false;
    };
  }

  queryPrepared(name: string, text: string, values: readonly unknown[]): Promise<StatementResult> {
    return new Promise<StatementResult>((resolve, reject) => {
      void this.send(this.take([{ name, text, values, resolve, reject }]));
    });
  }

  /** Sends whatever waits ahead on its own (when the work made no query of its own). */
  async flush(): Promise<void> {
    if (this.ahead.every((statement) => statement.onlyWithOthers)) return;
    await this.send(this.take([]));
  }

  /**
   * Runs `work` while `check` (a statement sent ahead) is in flight. The check's failure wins over
   * whatever the work answered or threw: work that made no query of its own, or failed before one,
   * still has the check sent and answered before anything it says is believed.
   */
  afterCheck<T>(check: Promise<unknown>, work: () => Promise<T>): Promise<T> {
    return runAfterCheck(check, work, () => this.flush());
  }

  /** True when the next statement would travel alone: nothing waits ahead and nothing opens it. */
  protected get nothingAhead(): boolean {
    return this.ahead.length === 0 && this.prefix.length === 0;
  }

  /** The next batch: the prefix, whatever waits ahead, then `last`. */
  protected take(last: PipelinedStatement[]): PipelinedStatement[] {
    // If the prefix fails, the server skips the rest and they reject with its error.
    const prefix = this.prefix.map(({ text, values }) => ({ text, values, resolve() {}, reject() {} }));
    const batch = [...prefix, ...this.ahead, ...last];
    this.ahead = [];
    return batch;
  }

  protected abstract send(batch: PipelinedStatement[]): Promise<void>;
}
