import { beforeAll, describe, expect, it } from "vitest";
import {
  createReleasePilotClient,
  ok,
  paginate,
  ReleasePilotProblem,
  retryAfterMs,
} from "../../clients/typescript/src/index.ts";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { BASE_URL, recordingTransport, workerFetch } from "./worker-transport";

// The typed client (clients/typescript) against the real Worker: types generated from
// openapi/openapi.json, Idempotency-Key on creating POSTs kept across a resend, paging as an async
// iterator, refusals as typed problems. The only stand-in is a lost connection (the network), never
// an answer of the API.

let agency: SeededAgency;
let other: SeededAgency;
let counter = 0;
const version = () => `5.${Date.now() % 100000}.${counter++}`;

/** A client straight to the Worker, as a member (or anonymous). */
const workerClient = (token?: string) =>
  createReleasePilotClient({ baseUrl: BASE_URL, token, fetch: workerFetch });

beforeAll(async () => {
  [agency, other] = await seedTwoAgencies();
});

describe("@release-pilot/client", () => {
  it("creates a release with the defaulted fields left out, keyed, and reads it back typed", async () => {
    const transport = recordingTransport();
    const client = createReleasePilotClient({
      baseUrl: `${BASE_URL}/`,
      token: agency.tokens.release_manager,
      fetch: transport.fetch,
    });
    // scope and change_log have server defaults: the generated types leave them optional.
    const created = await ok(
      client.POST("/v1/releases", {
        body: { project_id: agency.projectId, version: version(), title: "Spring menu pages", risk: "low" },
      }),
    );
    expect(created.stage).toBe("planning");
    expect(created.scope).toBe("");
    expect(transport.sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/);

    const read = await ok(client.GET("/v1/releases/{id}", { params: { path: { id: created.id } } }));
    expect(read.version).toBe(created.version);
    // Reads and non-creating writes carry no key.
    expect(transport.sent[1]).toMatchObject({ method: "GET", key: null });
  });

  it("resends a creating POST whose answer was lost with the same key, and the API applies it once", async () => {
    const transport = recordingTransport();
    let lost = 0;
    const client = createReleasePilotClient({
      baseUrl: BASE_URL,
      token: agency.tokens.release_manager,
      retry: { sleep: async () => {} },
      // The request reaches the Worker and is applied; the connection drops before the answer arrives.
      fetch: async (request) => {
        const response = await transport.fetch(request);
        if (lost++ === 0) {
          await response.body?.cancel();
          throw new TypeError("network connection lost");
        }
        return response;
      },
    });
    const v = version();
    const { data, response } = await client.POST("/v1/releases", {
      body: { project_id: agency.projectId, version: v, title: "Loyalty card page", risk: "low" },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("Idempotent-Replayed")).toBe("true");
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[1]?.key).toBe(transport.sent[0]?.key);

    const all = await api(`/v1/releases?project_id=${agency.projectId}&limit=100`, {
      token: agency.tokens.release_manager,
    });
    const sameVersion = (all.body.items as { id: string; version: string }[]).filter((r) => r.version === v);
    expect(sameVersion.map((r) => r.id)).toEqual([data?.id]);
  });

  it("does not resend an unkeyed POST after a lost connection: the caller decides", async () => {
    let calls = 0;
    const client = createReleasePilotClient({
      baseUrl: BASE_URL,
      token: agency.tokens.owner,
      retry: { sleep: async () => {} },
      fetch: async () => {
        calls++;
        throw new TypeError("network connection lost");
      },
    });
    await expect(client.POST("/v1/tenant/sender-email-confirmation", {})).rejects.toThrow(
      "network connection lost",
    );
    expect(calls).toBe(1);
  });

  it("pages through a list as an async iterator", async () => {
    const client = workerClient(other.tokens.release_manager);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await ok(
        client.POST("/v1/releases", {
          body: { project_id: other.projectId, version: version(), title: `Page ${i}`, risk: "low" },
        }),
      );
      ids.push(r.id);
    }
    const transport = recordingTransport();
    const paging = createReleasePilotClient({
      baseUrl: BASE_URL,
      token: other.tokens.viewer,
      fetch: transport.fetch,
    });
    const seen: string[] = [];
    for await (const release of paginate((cursor) =>
      ok(
        paging.GET("/v1/releases", { params: { query: { project_id: other.projectId, limit: 2, cursor } } }),
      ),
    ))
      seen.push(release.id);
    expect(seen.sort()).toEqual(expect.arrayContaining(ids.sort()));
    expect(new Set(seen).size).toBe(seen.length);
    expect(transport.sent.length).toBeGreaterThanOrEqual(3);
  });

  it("throws typed problems: what to fix, no token, another agency's release, the wrong role", async () => {
    const client = workerClient(agency.tokens.owner);
    const invalid = await ok(
      client.POST("/v1/releases", {
        body: { project_id: agency.projectId, version: "", title: "No version", risk: "low" },
      }),
    ).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ReleasePilotProblem);
    const problem = invalid as ReleasePilotProblem;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe("validation_failed");
    expect(problem.problem?.errors?.map((e) => e.path)).toContain("body.version");

    const theirs = await ok(
      workerClient(other.tokens.owner).POST("/v1/releases", {
        body: { project_id: other.projectId, version: version(), title: "Theirs", risk: "low" },
      }),
    );
    const notMine = await ok(client.GET("/v1/releases/{id}", { params: { path: { id: theirs.id } } })).catch(
      (e: unknown) => e,
    );
    expect((notMine as ReleasePilotProblem).status).toBe(404);

    const anonymous = workerClient();
    const noToken = await ok(anonymous.GET("/v1/releases", {})).catch((e: unknown) => e);
    expect((noToken as ReleasePilotProblem).status).toBe(401);

    const viewer = workerClient(agency.tokens.viewer);
    const wrongRole = await ok(
      viewer.POST("/v1/releases", {
        body: { project_id: agency.projectId, version: version(), title: "Viewer try", risk: "low" },
      }),
    ).catch((e: unknown) => e);
    expect((wrongRole as ReleasePilotProblem).status).toBe(403);
  });
});

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates, and nothing else", () => {
    expect(retryAfterMs("7")).toBe(7000);
    expect(retryAfterMs("Wed, 02 Dec 2026 00:00:30 GMT", Date.parse("2026-12-02T00:00:00Z"))).toBe(30_000);
    for (const bad of ["soon", "1.5", "-5", "", "2026-12-02"]) expect(retryAfterMs(bad)).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe("resending", () => {
  it("never resends a call its caller aborted", async () => {
    let calls = 0;
    const client = createReleasePilotClient({
      baseUrl: BASE_URL,
      token: agency.tokens.viewer,
      retry: { sleep: async () => {} },
      fetch: async (request) => {
        calls++;
        if (request.signal.aborted) throw new DOMException("The operation was aborted.", "AbortError");
        return workerFetch(request);
      },
    });
    const controller = new AbortController();
    controller.abort();
    await expect(client.GET("/v1/releases", { signal: controller.signal })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
