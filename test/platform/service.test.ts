import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import committedSpec from "../../openapi/openapi.json";
import { buildApp } from "../../workers/build-app";
import { api } from "../support/api";

describe("service endpoints", () => {
  it("GET /health answers without touching the database", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("GET /ready checks the database", async () => {
    const res = await api("/ready");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready", database: "ok" });
  });

  it("GET /ready is 503 with Retry-After when the database cannot be reached", async () => {
    const app = buildApp();
    const ctx = createExecutionContext();
    // A bridge address where nothing listens: the driver cannot connect.
    const res = await app.fetch(
      new Request("http://api.test/ready"),
      { ...env, DB_WS_PROXY: "127.0.0.1:9" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("database_unavailable");
    expect(body.detail).not.toMatch(/at |\.ts:/);
  });

  it("GET /openapi.json is OpenAPI 3.1, the committed openapi/openapi.json with its examples", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body.paths["/v1/tenants"].post).toBeDefined();
    // A static asset: generated at build time, so what is served is exactly what is committed.
    expect(res.body).toEqual(committedSpec);
  });

  it("GET /docs renders a self-contained reference page", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(res.text).toContain("/v1/projects/{id}");
    expect(res.text).toContain('id="problem-validation_failed"');
    // Nothing loaded from another host: no external scripts, styles or fonts.
    expect(res.text).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/i);
    // And the browser is told so: nothing runs, nothing loads, the page cannot be framed.
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
  });

  it("documents Retry-After on every 503 it promises", async () => {
    const res = await api("/openapi.json");
    const missing: string[] = [];
    type Operation = { responses?: Record<string, { headers?: Record<string, unknown> }> };
    for (const [path, operations] of Object.entries(
      res.body.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        const unavailable = operation.responses?.["503"];
        if (unavailable && !unavailable.headers?.["Retry-After"])
          missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("unknown routes are problem+json 404s that point at the docs", async () => {
    const res = await api("/v1/nope");
    expect(res.status).toBe(401); // /v1 needs credentials before anything else
    const open = await api("/nope");
    expect(open.status).toBe(404);
    expect(open.body.code).toBe("not_found");
    expect(open.body.detail).toContain("/docs");
    expect(open.body.request_id).toBe(open.headers.get("X-Request-Id"));
  });
});
