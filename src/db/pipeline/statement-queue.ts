import type { StatementResult } from "./pipelined-statements";

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
  /** Sends whatever waits ahead on its own (when the work made no query of its own). */
  flush(): Promise<void>;
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
