// Follows a Postgres protocol byte stream just far enough to see message
// boundaries and types, however the stream is split into frames. The bridge
// uses it both ways: client → server to see Terminate ('X') — real PostgreSQL
// hangs up on it, PGlite's socket server does not, and the Neon driver's
// pool.end() waits for the hang-up, so without this every finished request
// would leave a connection open — and server → client to see ReadyForQuery
// ('Z'), when a fault test cuts a connection right after an answer.

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
export const TERMINATE = 0x58; // 'X'
export const READY_FOR_QUERY = 0x5a; // 'Z'

export class PostgresMessageStream {
  /** The client's stream starts with untyped messages (SSL/GSS requests, then the startup message). */
  private startup: boolean;
  private header: number[] = [];
  private remaining = 0;
  private currentType = 0;

  constructor(direction: "frontend" | "backend") {
    this.startup = direction === "frontend";
  }

  /** Feeds one chunk; returns the types of the messages completed in it (0 for an untyped one). */
  feed(chunk: Uint8Array): number[] {
    const completed: number[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) completed.push(this.currentType);
        continue;
      }
      const headerLength = this.startup ? 8 : 5;
      this.header.push(chunk[offset] ?? 0);
      offset++;
      if (this.header.length < headerLength) continue;
      const bytes = Uint8Array.from(this.header);
      const view = new DataView(bytes.buffer);
      this.header = [];
      if (this.startup) {
        const code = view.getInt32(4);
        this.remaining = view.getInt32(0) - 8;
        this.currentType = 0;
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
      } else {
        this.currentType = bytes[0] ?? 0;
        this.remaining = view.getInt32(1) - 4;
      }
      if (this.remaining === 0) completed.push(this.currentType);
    }
    return completed;
  }
}
