import type { DatabaseHandle } from "./client";

/**
 * A Durable Object's database handle, kept open between the calls the object serves and closed
 * once none has used it for `idleMs`. A Durable Object, unlike a stateless Worker, may use an I/O
 * object across the requests it serves, so a burst pays the connection start-up once, not per
 * call. A connection that fails is dropped by the handle and the next call opens another.
 */
export class WarmDatabase {
  private handle: DatabaseHandle | undefined;
  private inUse = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly open: () => DatabaseHandle;
  private readonly idleMs: number;

  constructor(open: () => DatabaseHandle, idleMs: number) {
    this.open = open;
    this.idleMs = idleMs;
  }

  /** Whether a handle is open now (its connection kept for the next call); for tests and diagnostics. */
  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async use<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
    this.inUse++;
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    this.handle ??= this.open();
    try {
      return await work(this.handle);
    } finally {
      this.inUse--;
      if (this.inUse === 0) this.idleTimer = setTimeout(() => this.closeIfIdle(), this.idleMs);
    }
  }

  private closeIfIdle(): void {
    this.idleTimer = undefined;
    if (this.inUse > 0) return;
    const handle = this.handle;
    this.handle = undefined;
    void handle?.end();
  }
}
