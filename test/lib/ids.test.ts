import { describe, expect, it } from "vitest";
import { isUuid, uuidv7 } from "../../src/lib/ids";

/** The id's first 48 bits as a number: the millisecond it was made at (RFC 9562, UUIDv7). */
const millisecondOf = (id: string) => Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);

describe("uuidv7", () => {
  it("carries its millisecond in the first 48 bits, big-endian, from the epoch to the last the field holds", () => {
    const instants = [
      0,
      1,
      0xff,
      0x100,
      0xffff,
      0x10000,
      0x0123456789ab,
      Date.UTC(2026, 11, 5, 19, 30, 0, 123),
      Date.UTC(2038, 0, 19, 3, 14, 8),
      2 ** 47,
      2 ** 48 - 1,
    ];
    for (const at of instants) {
      const id = uuidv7(at);
      expect(millisecondOf(id), `${at}: ${id}`).toBe(at);
    }
    expect(uuidv7(0x0123456789ab).slice(0, 13)).toBe("01234567-89ab");
  });

  it("is a well-formed version 7, variant 10 id", () => {
    for (let i = 0; i < 500; i++) {
      const id = uuidv7();
      expect(isUuid(id), id).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("sorts by the millisecond it was made at, and differs within one", () => {
    const at = Date.UTC(2026, 11, 5);
    const ids = [at + 1000, at, at + 1, at + 256, at + 65_536].map((t) => uuidv7(t));
    expect([...ids].sort().map(millisecondOf)).toEqual([at, at + 1, at + 256, at + 1000, at + 65_536]);
    const sameMillisecond = new Set(Array.from({ length: 1000 }, () => uuidv7(at)));
    expect(sameMillisecond.size).toBe(1000);
  });
});
