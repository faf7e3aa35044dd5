import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";

// Names and titles reach email subjects and display names, calendar summaries and page titles:
// a line break there could start a new header or paragraph. Every name field refuses control
// characters with 400 naming the field, and writes nothing.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const injected = [
  "Shop\r\nBcc: everyone@example.com",
  "Shop\nSale",
  "Tab\there",
  "Bell\u0007",
  "Line\u2028break",
];

describe("names are one line", () => {
  it("refuses control characters in every name a person or a message shows, naming the field", async () => {
    const release = await api("/v1/releases", {
      token: agency.tokens.release_manager,
      body: { project_id: agency.projectId, version: "4.0.0", title: "Ok", scope: "x", risk: "low" },
    });
    expect(release.status, release.text).toBe(201);
    for (const value of injected) {
      const attempts = [
        {
          path: "/v1/projects",
          method: "POST",
          body: { client_id: agency.clientId, name: value },
          field: "body.name",
        },
        {
          path: `/v1/clients/${agency.clientId}`,
          method: "PATCH",
          body: { name: value },
          field: "body.name",
        },
        { path: "/v1/tenant", method: "PATCH", body: { sender: { name: value } }, field: "body.sender.name" },
        {
          path: `/v1/releases/${release.body.id}`,
          method: "PATCH",
          body: { title: value },
          field: "body.title",
        },
      ];
      for (const { path, method, body, field } of attempts) {
        const res = await api(path, { method, token: agency.tokens.owner, body });
        expect(res.status, `${method} ${path} ${JSON.stringify(value)}: ${res.text}`).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
    }
    const client = await api(`/v1/clients/${agency.clientId}`, { token: agency.tokens.viewer });
    expect(client.body.name).not.toMatch(/[\r\n\t]/);
    const tenant = await api("/v1/tenant", { token: agency.tokens.viewer });
    expect(tenant.body.sender.name ?? "").not.toMatch(/[\r\n]/);
  });
});
