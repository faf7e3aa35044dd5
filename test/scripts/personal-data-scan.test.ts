import { describe, expect, it } from "vitest";
import { mask, scanForPersonalData } from "../hardening/personal-data-scan";

describe("the hardening run's personal-data scan", () => {
  it("finds a seeded person's address in workerd output, through colour codes, and masks it", () => {
    const output = [
      "[wrangler:info] GET /v1/contacts 200 OK (12ms)",
      "\x1b[31mcould not deliver to casey@agency-mwxn466o-0-g68o.example\x1b[39m",
    ].join("\n");
    const findings = scanForPersonalData(output);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain("c***@a***");
    expect(findings[0]).not.toContain("casey@");
  });

  it("passes output without addresses, and the documentation's reserved example domains", () => {
    expect(scanForPersonalData("stdout | GET /health 200\nsender noreply@releases.app")).toEqual([]);
    expect(scanForPersonalData("see owner@example.com in the docs")).toEqual([]);
  });

  it("masks every address it reports", () => {
    expect(mask("olivia.owner@harbour.example")).toBe("o***@h***");
  });
});
