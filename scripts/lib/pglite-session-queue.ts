// PGlite is one Postgres session shared by every socket connection. pglite-socket's own queue
// hands the session to another connection after any protocol message unless a transaction is
// open, so two connections' extended-protocol messages (Parse, Bind, Describe, Execute … Sync)
// can interleave and one binds the other's statement. This queue keeps a connection's batch
// together: its Parse, Bind, Describe, Execute and Close messages wait until its Sync (or a Flush,
// which asks for the answers so far) and then run in one call into PGlite, which reads every
// message of a buffer in turn. A connection inside a transaction, or whose batch a Flush left open,
// keeps the session until it ends, which is what a real server's separate sessions give for free.
// Running a batch in one call, not one call a message, also spares PGlite's per-call work (a bare
// query is six messages, an API read's about fifteen). It replaces the server's queue (same interface).

/** The PGlite methods pglite-socket's queue uses (present at runtime, not in PGlite's types). */
interface SharedSession {
  isInTransaction(): boolean;
  runExclusive<T>(work: () => Promise<T>): Promise<T>;
  execProtocolRawStream(
    message: Uint8Array,
    options: { onRawData: (data: Uint8Array) => void },
  ): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
}

interface Pending {
  handlerId: number;
  /** One protocol message, or a connection's batch of them ending at its Sync or Flush. */
  message: Uint8Array;
  /** The type of the last message in `message`. */
  lastType: number;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * A Flush ('H') asks for a batch's answers so far and leaves it open until its Sync; the other
 * messages of a batch never reach the session on their own (below).
 */
const FLUSH = "H".charCodeAt(0);
/** Messages nobody awaits an answer to before the batch's Sync or Flush: they wait for it. */
const WAITS_FOR_SYNC = new Set(["P", "B", "D", "E", "C"].map((type) => type.charCodeAt(0)));

export class SessionQueue {
  private queue: Pending[] = [];
  private processing = false;
  /** Each connection's messages waiting for their batch's Sync or Flush. */
  private readonly unsent = new Map<number, Uint8Array[]>();
  /** The connection that holds the session: inside a transaction or an unfinished batch. */
  private holder: number | null = null;

  private readonly session: SharedSession;

  // No parameter property: the scripts run under Node's type stripping, which refuses them.
  constructor(session: SharedSession) {
    this.session = session;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const type = message[0] ?? 0;
    const waiting = this.unsent.get(handlerId);
    if (WAITS_FOR_SYNC.has(type)) {
      // Answered with the batch, through the Sync's (or Flush's) callback, on the same socket.
      if (waiting) waiting.push(message);
      else this.unsent.set(handlerId, [message]);
      return Promise.resolve(0);
    }
    this.unsent.delete(handlerId);
    const batch = waiting ? concatenate([...waiting, message]) : message;
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message: batch, lastType: type, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.unsent.delete(handlerId);
    this.queue = this.queue.filter((pending) => {
      if (pending.handlerId !== handlerId) return true;
      pending.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A connection that goes away while holding the session gives it back, rolling back its transaction. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    if (this.session.isInTransaction()) await this.session.exec("ROLLBACK");
    this.holder = null;
    await this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index =
          this.holder === null ? 0 : this.queue.findIndex((pending) => pending.handlerId === this.holder);
        // Empty, or the holder's next message is still on its way: the others wait for it.
        if (index === -1 || this.queue.length === 0) break;
        const [next] = this.queue.splice(index, 1) as [Pending];
        let bytes = 0;
        try {
          await this.session.runExclusive(() =>
            this.session.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
        } catch (error) {
          next.reject(error);
          continue;
        }
        const batchOpen = next.lastType === FLUSH;
        this.holder = this.session.isInTransaction() || batchOpen ? next.handlerId : null;
        next.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}
