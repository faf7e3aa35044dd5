import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { bookWindowNow, createRelease, decide, makeGoReady } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
  const policy = await api("/v1/tenant", {
    method: "PATCH",
    token: agency.tokens.owner,
    body: { second_approver_for_high_risk: true },
  });
  expect(policy.status, policy.text).toBe(200);
});

describe("no self-approval on high-risk releases when the agency asks for a second approver", () => {
  it("the deciding release manager's own sign-off does not count; another approver's does", async () => {
    const id = await createRelease(agency, { risk: "high" });
    // The release manager also approves, but is the one deciding: that is self-approval.
    const team = await api(`/v1/releases/${id}/team`, {
      method: "PUT",
      token: agency.tokens.owner,
      body: {
        release_manager_id: agency.members.release_manager.id,
        members: [
          { member_id: agency.members.engineer.id, role: "engineer" },
          { member_id: agency.members.release_manager.id, role: "approver" },
          { member_id: agency.members.viewer.id, role: "approver" },
        ],
      },
    });
    expect(team.status, team.text).toBe(200);
    await bookWindowNow(agency, id); // high risk: the owner books it with a recorded reason
    const moved = await api(`/v1/releases/${id}/transitions`, {
      token: agency.tokens.release_manager,
      body: { to: "pre_deployment_verification" },
    });
    expect(moved.status, moved.text).toBe(200);
    await makeGoReady(agency, id);
    const own = await api(`/v1/releases/${id}/sign-offs`, {
      token: agency.tokens.release_manager,
      body: { decision: "approved" },
    });
    expect(own.status, own.text).toBeLessThan(300);
    const refused = await decide(agency, id, {
      kind: "go_no_go",
      outcome: "go",
      rationale: "I approve my own release",
    });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.unmet_gates.map((g: { id: string }) => g.id)).toContain("second_approver_signed_off");

    const client = await api(`/v1/releases/${id}/sign-offs`, {
      token: agency.tokens.viewer,
      body: { decision: "approved" },
    });
    expect(client.status, client.text).toBeLessThan(300);
    const go = await decide(agency, id, {
      kind: "go_no_go",
      outcome: "go",
      rationale: "Client approved too",
    });
    expect(go.status, go.text).toBe(200);
    expect(go.body.stage).toBe("deployment_execution");
  });
});
