import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createReleasePilotClient, ok, ReleasePilotProblem } from "../../../clients/typescript/src/index.ts";
import { limitOf, withinOnePeriod } from "./limits";

// The typed client (clients/typescript) meets the Worker's real rate limit: it does not resend
// refused credentials (401), and on 429 it waits exactly what Retry-After says before each resend,
// then gives the caller the typed 429 problem. Its sleeps are recorded, not slept: the limit's minute
// does not pass, so every resend is refused again.

describe("typed client against the real rate limit", () => {
  it("honours Retry-After on 429 and surfaces the problem after its retries", async () => {
    await withinOnePeriod(20);
    const sleeps: number[] = [];
    const statuses: number[] = [];
    const client = createReleasePilotClient({
      baseUrl: "http://api.test",
      token: "rp_not-a-real-token",
      retry: { retries: 3, sleep: async (ms) => void sleeps.push(ms) },
      // Cloudflare's edge sets the client's address; one documentation address for this flood.
      fetch: async (request) => {
        const headers = new Headers(request.headers);
        headers.set("CF-Connecting-IP", "203.0.113.200");
        const response = await exports.default.fetch(new Request(request, { headers }));
        statuses.push(response.status);
        return response;
      },
    });
    const admitted = limitOf("RATE_LIMIT_FAILED_AUTH");
    for (let i = 0; i < admitted; i++) {
      const refused = await ok(client.GET("/v1/releases", {})).catch((e: unknown) => e);
      expect((refused as ReleasePilotProblem).status).toBe(401);
    }
    expect(sleeps).toEqual([]); // 401 is never resent

    const limited = await ok(client.GET("/v1/releases", {})).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ReleasePilotProblem);
    expect((limited as ReleasePilotProblem).status).toBe(429);
    expect((limited as ReleasePilotProblem).code).toBe("rate_limited");
    expect(statuses.slice(admitted)).toEqual([429, 429, 429, 429]);
    expect(sleeps).toHaveLength(3);
    for (const ms of sleeps) {
      expect(ms % 1000).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(60_000);
    }
    console.log(
      `[hardening] abuse: typed client: ${admitted} × 401 not resent; 429 resent after ${sleeps.map((ms) => ms / 1000).join(", ")} s (Retry-After)`,
    );
  });
});
