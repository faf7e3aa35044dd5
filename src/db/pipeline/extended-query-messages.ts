/**
 * The extended-query messages of a pipelined batch (Parse, Bind, Describe, Execute per statement,
 * on the unnamed statement and portal, every parameter as text), written into one buffer.
 *
 * Why not the driver's own `connection.parse()`/`bind()`…: each of those is a separate write, and
 * the Neon socket gathers the writes of one tick by copying everything gathered so far into a new
 * array each time, so a batch of n messages copied its bytes about n/2 times over (a decision's
 * batch is some twenty messages, one of them a 6 KB query). One buffer sized once is one copy.
 * The Sync is still the driver's, so its connection state stays its own.
 */
const encoder = new TextEncoder();

/** A statement's text and its parameters already turned into Postgres text (null for NULL). */
export interface StatementMessage {
  text: string;
  values: readonly (string | null)[];
  /**
   * A prepared statement's name: bound by name, and parsed under it first unless `parsed` says the
   * connection already holds it (then the text is not sent at all).
   */
  name?: string | undefined;
  parsed?: boolean | undefined;
}

/** UTF-8 never takes more than three bytes for one UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/**
 * Each statement's fixed bytes: Close 1+4+1+1, Parse 1+4+1+1+2, Bind 1+4+1+1+2+2+2,
 * Describe 1+4+1+1, Execute 1+4+1+4 (a name adds its length to Close, Parse and Bind).
 */
const FIXED_BYTES_PER_STATEMENT = 7 + 9 + 13 + 7 + 10;

export function extendedQueryMessages(statements: readonly StatementMessage[]): Uint8Array {
  let bound = 0;
  for (const { text, values, name = "" } of statements) {
    bound += FIXED_BYTES_PER_STATEMENT + (text.length + 3 * name.length) * MAX_UTF8_BYTES_PER_UNIT;
    for (const value of values) bound += 4 + (value === null ? 0 : value.length * MAX_UTF8_BYTES_PER_UNIT);
  }
  const writer = new MessageWriter(bound);
  for (const { text, values, name = "", parsed = false } of statements) {
    if (name === "" || !parsed) {
      if (name !== "") {
        // Closing a statement the connection does not hold is not an error; closing one it holds
        // (parsed by a batch that failed after it, so never recorded) lets the Parse succeed.
        writer.begin(0x43); // Close
        writer.byte(0x53); // a statement
        writer.cString(name);
        writer.end();
      }
      writer.begin(0x50); // Parse
      writer.cString(name); // "" is the unnamed statement
      writer.cString(text);
      writer.int16(0); // no parameter types: the server infers them
      writer.end();
    }

    writer.begin(0x42); // Bind
    writer.cString(""); // the unnamed portal
    writer.cString(name);
    writer.int16(0); // every parameter in text format
    writer.int16(values.length);
    for (const value of values) writer.lengthPrefixed(value);
    writer.int16(0); // every result column in text format
    writer.end();

    writer.begin(0x44); // Describe
    writer.byte(0x50); // the portal
    writer.cString("");
    writer.end();

    writer.begin(0x45); // Execute
    writer.cString("");
    writer.int32(0); // every row
    writer.end();
  }
  return writer.bytes();
}

/** Writes messages front to back into a buffer sized for the worst case; lengths are filled in last. */
class MessageWriter {
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private offset = 0;
  /** Where the open message's length goes. */
  private lengthAt = 0;

  constructor(bound: number) {
    this.buffer = new Uint8Array(bound);
    this.view = new DataView(this.buffer.buffer);
  }

  begin(code: number): void {
    this.byte(code);
    this.lengthAt = this.offset;
    this.offset += 4;
  }

  /** The length counts itself and the body, not the message code. */
  end(): void {
    this.view.setInt32(this.lengthAt, this.offset - this.lengthAt);
  }

  byte(value: number): void {
    this.buffer[this.offset++] = value;
  }

  int16(value: number): void {
    this.view.setInt16(this.offset, value);
    this.offset += 2;
  }

  int32(value: number): void {
    this.view.setInt32(this.offset, value);
    this.offset += 4;
  }

  cString(value: string): void {
    this.utf8(value);
    this.byte(0);
  }

  /** A parameter: its byte length then its bytes, or -1 for NULL. */
  lengthPrefixed(value: string | null): void {
    if (value === null) {
      this.int32(-1);
      return;
    }
    const lengthAt = this.offset;
    this.offset += 4;
    const written = this.utf8(value);
    this.view.setInt32(lengthAt, written);
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
  }

  private utf8(value: string): number {
    const { written } = encoder.encodeInto(value, this.buffer.subarray(this.offset));
    this.offset += written;
    return written;
  }
}
