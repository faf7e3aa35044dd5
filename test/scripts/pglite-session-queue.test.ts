import { describe, expect, it } from "vitest";
import { SessionQueue } from "../../scripts/lib/pglite-session-queue";

// The embedded database's queue: which protocol messages reach PGlite together, and when another
// connection may have the one session. The session here records the calls PGlite would get; the
// queue's effect on real queries is what every other test runs through.

const message = (type: string, body = "") =>
  new Uint8Array([type.charCodeAt(0), ...new TextEncoder().encode(body)]);
const types = (bytes: Uint8Array) =>
  Array.from(bytes)
    .map((byte) => String.fromCharCode(byte))
    .join("");

function recordingSession(inTransaction: () => boolean = () => false) {
  const calls: { bytes: string }[] = [];
  return {
    calls,
    session: {
      isInTransaction: inTransaction,
      runExclusive: <T>(work: () => Promise<T>) => work(),
      async execProtocolRawStream(bytes: Uint8Array, { onRawData }: { onRawData(data: Uint8Array): void }) {
        calls.push({ bytes: types(bytes) });
        onRawData(new Uint8Array([1, 2, 3]));
        return undefined;
      },
      exec: async () => undefined,
    },
  };
}

describe("the embedded database's session queue", () => {
  it("runs a batch's Parse, Bind, Describe, Execute and Close in one call, at its Sync", async () => {
    const { calls, session } = recordingSession();
    const queue = new SessionQueue(session);
    const answers: number[] = [];
    for (const type of ["P", "B", "D", "E", "C"])
      answers.push(await queue.enqueue(1, message(type), () => {}));
    expect(calls).toEqual([]);
    let delivered = 0;
    answers.push(await queue.enqueue(1, message("S"), (data) => (delivered += data.length)));
    expect(calls).toEqual([{ bytes: "PBDECS" }]);
    expect(answers).toEqual([0, 0, 0, 0, 0, 3]);
    expect(delivered).toBe(3);
  });

  it("keeps each connection's batch its own when two arrive interleaved", async () => {
    const { calls, session } = recordingSession();
    const queue = new SessionQueue(session);
    await queue.enqueue(1, message("P", "a"), () => {});
    await queue.enqueue(2, message("P", "b"), () => {});
    await queue.enqueue(1, message("B", "a"), () => {});
    await queue.enqueue(2, message("S"), () => {});
    await queue.enqueue(1, message("S"), () => {});
    expect(calls).toEqual([{ bytes: "PbS" }, { bytes: "PaBaS" }]);
  });

  it("answers a Flush at once, and the connection keeps the session until its Sync", async () => {
    const { calls, session } = recordingSession();
    const queue = new SessionQueue(session);
    await queue.enqueue(1, message("P", "a"), () => {});
    await queue.enqueue(1, message("H"), () => {});
    expect(calls).toEqual([{ bytes: "PaH" }]);
    // Another connection's batch waits for the open one to end.
    await queue.enqueue(2, message("P", "b"), () => {});
    const other = queue.enqueue(2, message("S"), () => {});
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(1);
    await queue.enqueue(1, message("E", "a"), () => {});
    await queue.enqueue(1, message("S"), () => {});
    await other;
    expect(calls).toEqual([{ bytes: "PaH" }, { bytes: "EaS" }, { bytes: "PbS" }]);
  });

  it("forgets a disconnected connection's unsent messages", async () => {
    const { calls, session } = recordingSession();
    const queue = new SessionQueue(session);
    await queue.enqueue(1, message("P", "gone"), () => {});
    queue.clearQueueForHandler(1);
    await queue.enqueue(1, message("S"), () => {});
    expect(calls).toEqual([{ bytes: "S" }]);
  });
});
