import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";

// Privacy Act APP 3 (collect and show only what the role needs): members' email addresses are
// shown in full to owners and to the member themselves, masked for everyone else. And a token
// outlives its holder's need only when an owner says so: other roles issue at most 90 days.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const EMAIL = /^[^@*]+@[^@*]+\.[a-z]+$/i;

describe("members' email addresses", () => {
  it("owners see every address; viewers, engineers and release managers see their own only", async () => {
    const owner = await api("/v1/members?limit=100", { token: agency.tokens.owner });
    expect(owner.status).toBe(200);
    for (const member of owner.body.items) if (member.email) expect(member.email).toMatch(EMAIL);

    for (const role of ["viewer", "engineer", "release_manager"] as const) {
      const res = await api("/v1/members?limit=100", { token: agency.tokens[role] });
      expect(res.status).toBe(200);
      for (const member of res.body.items) {
        if (!member.email) continue;
        if (member.id === agency.members[role].id) expect(member.email, role).toMatch(EMAIL);
        else expect(member.email, `${role} reading ${member.role}`).toContain("***");
      }
      const one = await api(`/v1/members/${agency.members.owner.id}`, { token: agency.tokens[role] });
      expect(one.body.email ?? "***", role).toContain("***");
    }
  });
});

describe("API token lifetime by role", () => {
  it("a viewer cannot issue itself a 10-year token (422 naming the field); an owner can", async () => {
    const viewer = await api("/v1/tokens", {
      token: agency.tokens.viewer,
      body: { member_id: agency.members.viewer.id, expires_in_days: 3650 },
    });
    expect(viewer.status, viewer.text).toBe(422);
    expect(viewer.body.errors[0].path).toBe("body.expires_in_days");

    const quarter = await api("/v1/tokens", {
      token: agency.tokens.viewer,
      body: { member_id: agency.members.viewer.id, expires_in_days: 90 },
    });
    expect(quarter.status, quarter.text).toBe(201);

    const ci = await api("/v1/tokens", {
      token: agency.tokens.owner,
      body: { member_id: agency.members.engineer.id, name: "CI deploy job", expires_in_days: 3650 },
    });
    expect(ci.status, ci.text).toBe(201);
  });
});
