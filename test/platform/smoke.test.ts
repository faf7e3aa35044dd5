import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("health", async () => {
    const res = await exports.default.fetch(new Request("http://api.test/health"));
    expect(res.status).toBe(200);
  });
  it("ready", async () => {
    const res = await exports.default.fetch(new Request("http://api.test/ready"));
    expect(await res.json()).toEqual({ status: "ready", database: "ok" });
  });
});
