import { runtimeConfig } from "../env";
import { DatabaseHandle, databaseUnavailable } from "./client";

/**
 * A Durable Object's handle for a WarmDatabase: up to `connections` of its own, kept open while
 * idle, since the WarmDatabase decides when to close them.
 */
export function keptDatabaseHandle(env: Env, connections: number): DatabaseHandle {
  const config = runtimeConfig(env);
  return new DatabaseHandle({
    url: config.DATABASE_URL,
    wsProxy: config.DB_WS_PROXY,
    pool: { size: connections, keepIdleConnections: true },
  });
}

export interface WarmDatabaseOptions {
  /** The handle is closed once no call has used it for this long. */
  idleMs: number;
  /**
   * A call that has not finished after this long fails as `database_unavailable` (a 503), and the
   * handle is terminated and replaced: a connection that stopped answering must not hold the
   * object's callers, nor keep the handle from ever going idle. Unset: no limit.
   */
  callLimitMs?: number;
}

/**
 * A Durable Object's database handle, kept open between the calls the object serves and closed
 * once none has used it for `idleMs`. A Durable Object, unlike a stateless Worker, may use an I/O
 * object across the requests it serves, so a burst pays the connection start-up once, not per
 * call. A connection that fails is dropped by the handle and the next call opens another. Open it
 * with keptDatabaseHandle, whose pool leaves idle connections for this class to close.
 */
export class WarmDatabase {
  private handle: DatabaseHandle | undefined;
  private inUse = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly open: () => DatabaseHandle;
  private readonly options: WarmDatabaseOptions;

  constructor(open: () => DatabaseHandle, options: WarmDatabaseOptions) {
    this.open = open;
    this.options = options;
  }

  /** Whether a handle is kept now (its connections stay open for the next call); for tests and diagnostics. */
  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  /** Calls using the handle now, those waiting for one of its connections included. */
  get callsInProgress(): number {
    return this.inUse;
  }

  async use<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
    this.inUse++;
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    try {
      this.handle ??= this.open();
      const handle = this.handle;
      const { callLimitMs } = this.options;
      return await (callLimitMs === undefined ? work(handle) : this.withinLimit(handle, work, callLimitMs));
    } finally {
      this.inUse--;
      if (this.inUse === 0) this.idleTimer = setTimeout(() => this.closeIfIdle(), this.options.idleMs);
    }
  }

  private async withinLimit<T>(
    handle: DatabaseHandle,
    work: (database: DatabaseHandle) => Promise<T>,
    limitMs: number,
  ): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Later calls get a new handle; the overdue work fails when its connection is closed
        // (race() has already subscribed to it, so that rejection is handled).
        if (this.handle === handle) this.handle = undefined;
        reject(databaseUnavailable());
        handle.terminate();
      }, limitMs);
    });
    try {
      return await Promise.race([work(handle), overdue]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
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
