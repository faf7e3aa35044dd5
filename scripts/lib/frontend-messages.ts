// Follows the Postgres frontend protocol byte stream (client → server) just
// far enough to see message boundaries, so the bridge can tell when the
// client has sent Terminate ('X'). Real PostgreSQL hangs up on Terminate;
// PGlite's socket server does not, and the Neon driver's pool.end() waits for
// the hang-up, so without this every finished request would leave a
// connection open until the server's connection limit was reached.

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

export class FrontendMessageTracker {
  /** Untyped messages come first (SSL/GSS requests, then the startup message). */
  private startup = true;
  private header: number[] = [];
  private remaining = 0;
  private currentType = 0;

  /** Feeds one chunk; returns true when a Terminate message has been completed in it. */
  feed(chunk: Uint8Array): boolean {
    let terminated = false;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0 && this.currentType === TERMINATE) terminated = true;
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
        const length = view.getInt32(0);
        const code = view.getInt32(4);
        this.remaining = length - 8;
        this.currentType = 0;
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
      } else {
        this.currentType = bytes[0] ?? 0;
        this.remaining = view.getInt32(1) - 4;
        if (this.remaining === 0 && this.currentType === TERMINATE) terminated = true;
      }
    }
    return terminated;
  }
}
