import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PostgresMessageStream, READY_FOR_QUERY, TERMINATE } from "../../scripts/lib/postgres-messages";

const int32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const typed = (type: string, body: number[]) => [type.charCodeAt(0), ...int32(body.length + 4), ...body];
const untyped = (code: number, body: number[]) => [...int32(body.length + 8), ...int32(code), ...body];

const sslRequest = untyped(80877103, []);
const startup = untyped(196608, [...new TextEncoder().encode("user\0postgres\0\0")]);
const query = typed("Q", [...new TextEncoder().encode("select 'X'\0")]);
const terminate = typed("X", []);

function feedInChunks(
  bytes: number[],
  cuts: number[],
  direction: "frontend" | "backend" = "frontend",
): boolean[] {
  const stream = new PostgresMessageStream(direction);
  const watched = direction === "frontend" ? TERMINATE : READY_FOR_QUERY;
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const edges = [0, ...points, bytes.length];
  return edges
    .slice(1)
    .map((end, i) => stream.feed(Uint8Array.from(bytes.slice(edges[i], end))).includes(watched));
}

describe("bridge: Postgres message framing", () => {
  it("sees Terminate after the startup message and queries, not an 'X' inside a query", () => {
    expect(feedInChunks([...startup, ...query], [])).toEqual([false]);
    expect(feedInChunks([...startup, ...query, ...terminate], [])).toEqual([true]);
  });

  it("skips the SSL request before the startup message", () => {
    expect(feedInChunks([...sslRequest, ...startup, ...terminate], [])).toEqual([true]);
  });

  it("finds Terminate however the stream is split into frames", () => {
    const stream = [...startup, ...query, ...query, ...terminate];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const seen = feedInChunks(stream, cuts);
        expect(seen.at(-1)).toBe(true);
        expect(seen.slice(0, -1).every((s) => !s)).toBe(true);
      }),
    );
  });

  it("sees ReadyForQuery in the server's answer, not a 'Z' inside a row, however it is split", () => {
    const row = typed("D", [0, 1, ...int32(1), "Z".charCodeAt(0)]);
    const complete = typed("C", [...new TextEncoder().encode("SELECT 1\0")]);
    const ready = typed("Z", ["I".charCodeAt(0)]);
    expect(feedInChunks([...row, ...complete], [], "backend")).toEqual([false]);
    const answer = [...row, ...complete, ...ready];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 12 }), (cuts) => {
        const seen = feedInChunks(answer, cuts, "backend");
        expect(seen.at(-1)).toBe(true);
        expect(seen.slice(0, -1).every((s) => !s)).toBe(true);
      }),
    );
  });
});
