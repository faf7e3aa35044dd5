import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

async function clientCount(): Promise<number> {
  const res = await api("/v1/clients?limit=200", { token: agency.tokens.owner });
  return res.body.items.length;
}

describe("request conventions", () => {
  it("rejects a body over 1 MiB with 413 and writes nothing", async () => {
    const before = await clientCount();
    const res = await api("/v1/clients", {
      token: agency.tokens.owner,
      rawBody: JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) }),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
    expect(await clientCount()).toBe(before);
  });

  it("rejects malformed JSON with a 400 that says so", async () => {
    const res = await api("/v1/clients", {
      method: "POST",
      token: agency.tokens.owner,
      rawBody: '{"name": "Cafe",',
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("malformed_json");
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await api("/v1/clients", {
      method: "POST",
      token: agency.tokens.owner,
      rawBody: "name=Cafe",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("unsupported_media_type");
  });

  it("rejects unknown fields, naming them", async () => {
    const res = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: "Cafe", colour: "blue" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(JSON.stringify(res.body.errors)).toContain("colour");
  });

  it("reports every invalid field with its path", async () => {
    const res = await api("/v1/projects", {
      token: agency.tokens.owner,
      body: { client_id: "nope", name: "", slug: "Not A Slug", repository: "no-slash" },
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["body.client_id", "body.name", "body.slug", "body.repository"]),
    );
  });

  it("refuses text with a NUL character (Postgres cannot store it) with 400 and writes nothing (fuzz finding)", async () => {
    const before = await clientCount();
    const created = await api("/v1/clients", { token: agency.tokens.owner, body: { name: "Caf\u0000e" } });
    expect(created.status, created.text).toBe(400);
    // A name is one line: the schema refuses any control character and names the field.
    expect(created.body.errors[0].path).toBe("body.name");
    expect(await clientCount()).toBe(before);

    const renamed = await api(`/v1/clients/${agency.clientId}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { name: "\u0000" },
    });
    expect(renamed.status, renamed.text).toBe(400);
    const feed = await api("/v1/calendar/feed-tokens", {
      token: agency.tokens.owner,
      body: { name: "a\u0000b" },
    });
    expect(feed.status, feed.text).toBe(400);
    // In a jsonb column the NUL arrives as a \u0000 escape, which Postgres refuses too.
    const release = await api("/v1/releases", {
      token: agency.tokens.owner,
      body: {
        project_id: agency.projectId,
        version: "9.9.9-nul",
        title: "NUL",
        risk: "low",
        change_log: [{ summary: "nul \u0000 here" }],
      },
    });
    expect(release.status, release.text).toBe(400);
  });

  it("replays the first response for a retried Idempotency-Key and creates one row", async () => {
    const before = await clientCount();
    const key = `retry-${crypto.randomUUID()}`;
    const first = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: `Idempotent ${key}` },
      headers: { "Idempotency-Key": key },
    });
    const second = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: `Idempotent ${key}` },
      headers: { "Idempotency-Key": key },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await clientCount()).toBe(before + 1);
  });

  it("answers concurrent duplicates with one effect", async () => {
    const before = await clientCount();
    const key = `race-${crypto.randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api("/v1/clients", {
          token: agency.tokens.owner,
          body: { name: key },
          headers: { "Idempotency-Key": key },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await clientCount()).toBe(before + 1);
  });

  it("refuses an Idempotency-Key reused for a different body (422)", async () => {
    const key = `reuse-${crypto.randomUUID()}`;
    await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: `A ${key}` },
      headers: { "Idempotency-Key": key },
    });
    const res = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: `B ${key}` },
      headers: { "Idempotency-Key": key },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("idempotency_key_reused");
  });

  it("keys are per agency: another agency may use the same key", async () => {
    const other = await seedAgency();
    const key = `shared-${crypto.randomUUID()}`;
    const a = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: key },
      headers: { "Idempotency-Key": key },
    });
    const b = await api("/v1/clients", {
      token: other.tokens.owner,
      body: { name: key },
      headers: { "Idempotency-Key": key },
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it("refuses a PUT or PATCH with an empty body (400) instead of reading it as {} (fuzz finding)", async () => {
    const releaseId = await createRelease(agency);
    const contact = await api("/v1/contacts", {
      token: agency.tokens.owner,
      body: { name: "Rita Recipient", email: `rita-${crypto.randomUUID()}@${agency.slug}.example` },
    });
    expect(contact.status, contact.text).toBe(201);
    const listed = await api(`/v1/releases/${releaseId}/recipients`, {
      method: "PUT",
      token: agency.tokens.owner,
      body: { contacts: [{ contact_id: contact.body.id, role: "client_stakeholder" }] },
    });
    expect(listed.status, listed.text).toBe(200);

    for (const headers of [{ "Content-Type": "application/json" }, {} as Record<string, string>]) {
      const emptied = await api(`/v1/releases/${releaseId}/recipients`, {
        method: "PUT",
        token: agency.tokens.owner,
        headers,
      });
      expect(emptied.status, emptied.text).toBe(400);
      expect(emptied.body.detail).toContain("JSON body");
      const renamed = await api(`/v1/clients/${agency.clientId}`, {
        method: "PATCH",
        token: agency.tokens.owner,
        headers,
      });
      expect(renamed.status, renamed.text).toBe(400);
    }
    const after = await api(`/v1/releases/${releaseId}/recipients`, { token: agency.tokens.owner });
    expect(after.body.recipients.map((r: { contact_id: string }) => r.contact_id)).toEqual([contact.body.id]);
  });
});
