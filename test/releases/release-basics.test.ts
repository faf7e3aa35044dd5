import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";

let a: SeededAgency;
let b: SeededAgency;
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
});

const nextWeekday = (hourUtc: number) => {
  // A Tuesday well ahead, at the given UTC hour (Sydney business hours are 22:00–07:00 UTC the day before).
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((9 - d.getUTCDay()) % 7) + 14);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d;
};

describe("release basics", () => {
  it("creates a release in planning with its checklist and reports its gates", async () => {
    const res = await api("/v1/releases", {
      token: a.tokens.release_manager,
      body: {
        project_id: a.projectId,
        version: "1.0.0",
        title: "Spring menu",
        scope: "New menu page",
        change_log: [{ summary: "Menu page" }],
        risk: "low",
        compliance: { touches_pricing_promotions_or_claims: true },
        release_manager_id: null,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ stage: "planning", status: "active", attempt: 1, row_version: 1 });
    expect(res.headers.get("ETag")).toBe('"1"');
    const gates = Object.fromEntries(res.body.gates.map((g: { id: string; ok: boolean }) => [g.id, g.ok]));
    expect(gates.scope_present).toBe(true);
    expect(gates.release_manager_assigned).toBe(false);

    const id = res.body.id;
    const team = await api(`/v1/releases/${id}/team`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: {
        release_manager_id: a.members.release_manager.id,
        members: [{ member_id: a.members.engineer.id, role: "engineer" }],
      },
    });
    expect(team.status, team.text).toBe(200);
    expect(team.body.team.release_manager_id).toBe(a.members.release_manager.id);

    const start = nextWeekday(0); // 10:00 or 11:00 in Sydney
    const window = await api(`/v1/releases/${id}/window`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    expect(window.status, window.text).toBe(200);
    expect(window.body.window.policy_ok).toBe(true);

    const toVerification = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.release_manager,
      body: { to: "pre_deployment_verification" },
    });
    expect(toVerification.status, toVerification.text).toBe(200);
    expect(toVerification.body.stage).toBe("pre_deployment_verification");

    const go = await api(`/v1/releases/${id}/decisions`, {
      token: a.tokens.release_manager,
      body: { kind: "go_no_go", outcome: "go", rationale: "Looks fine" },
    });
    expect(go.status).toBe(409);
    expect(go.body.code).toBe("gates_unmet");
    expect(go.body.unmet_gates.map((g: { id: string }) => g.id)).toContain("staging_tests_passed");

    const events = await api(`/v1/releases/${id}/events`, { token: a.tokens.viewer });
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      "release_created",
      "team_assigned",
      "window_confirmed",
      "release_state_changed",
    ]);
    expect((await api(`/v1/releases/${id}`, { token: b.tokens.owner })).status).toBe(404);
  });

  it("documents a commit_sha pattern that accepts the SHAs the API accepts (fuzz finding)", async () => {
    const document = (await api("/openapi.json")).body;
    const schemas = document.components.schemas;
    const patterns = [schemas.ReleaseCreate, schemas.ReleasePatch].map(
      (schema: { properties: { commit_sha: { pattern: string } } }) => schema.properties.commit_sha.pattern,
    );
    for (const pattern of patterns) {
      for (const sha of ["0a1b2c3", "ABCDEF0123456789", "9fceb02d0ae598e95dc970b74767f19372d61af8"]) {
        expect(new RegExp(pattern).test(sha), `${pattern} on ${sha}`).toBe(true);
      }
      expect(new RegExp(pattern).test("0a1b2c"), pattern).toBe(false);
    }
    const created = await api("/v1/releases", {
      token: a.tokens.release_manager,
      body: {
        project_id: a.projectId,
        version: "1.0.1-sha",
        title: "SHA",
        risk: "low",
        commit_sha: "ABCDEF0",
      },
    });
    expect(created.status, created.text).toBe(201);
    const refused = await api("/v1/releases", {
      token: a.tokens.release_manager,
      body: {
        project_id: a.projectId,
        version: "1.0.2-sha",
        title: "SHA",
        risk: "low",
        commit_sha: "xyz1234",
      },
    });
    expect(refused.status, refused.text).toBe(400);
  });

  it("refuses a high-risk release in business hours and suggests nothing but an override", async () => {
    const res = await api("/v1/releases", {
      token: a.tokens.owner,
      body: { project_id: a.projectId, version: "2.0.0", title: "Checkout rebuild", risk: "high" },
    });
    const start = nextWeekday(0);
    const window = await api(`/v1/releases/${res.body.id}/window`, {
      method: "PUT",
      token: a.tokens.owner,
      body: { starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    expect(window.status, window.text).toBe(422);
    expect(window.body.policy.rule).toBe("high_risk_requires_maintenance_window");
    const overridden = await api(`/v1/releases/${res.body.id}/window`, {
      method: "PUT",
      token: a.tokens.owner,
      body: {
        starts_at: start.toISOString(),
        ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
        override_reason: "Client launch is contractually fixed",
      },
    });
    expect(overridden.status, overridden.text).toBe(200);
    expect(overridden.body.window.override_reason).toBe("Client launch is contractually fixed");
  });
});
