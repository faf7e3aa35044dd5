import { describe, expect, it } from "vitest";
import { localTime } from "../../../src/domain/notifications/compose";

// Messages show times the way the client reads them: their zone, words, 12-hour clock, the zone's
// abbreviation; never an ISO string in UTC (which is what a failing Intl call used to fall back to).
describe("localTime in messages", () => {
  it("formats in the client's zone, across daylight saving", () => {
    expect(localTime("2027-06-08T14:00:00.000Z", "Australia/Perth")).toBe(
      "Tuesday 8 June 2027, 10:00 pm AWST",
    );
    expect(localTime("2026-12-02T16:39:05.272Z", "Australia/Sydney")).toBe(
      "Thursday 3 December 2026, 3:39 am AEDT",
    );
    expect(localTime("2027-06-02T16:39:05.272Z", "Australia/Sydney")).toBe(
      "Thursday 3 June 2027, 2:39 am AEST",
    );
    expect(localTime("2027-01-15T00:30:00.000Z", "Australia/Brisbane")).toBe(
      "Friday 15 January 2027, 10:30 am AEST",
    );
  });

  it("never shows an ISO timestamp", () => {
    expect(localTime("2026-12-02T16:39:05.272Z", "Australia/Adelaide")).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
