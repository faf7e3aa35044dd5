import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { bookWindowNow, createRelease, decide, planAndVerify } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

describe("Australian Consumer Law: a release touching pricing, promotions or claims", () => {
  it("cannot go until a named owner or release manager signs off every ACL item", async () => {
    const id = await createRelease(agency, { compliance: { touches_pricing_promotions_or_claims: true } });
    await planAndVerify(agency, id);
    const rm = agency.tokens.release_manager;
    const staging = await api(`/v1/releases/${id}/test-results`, {
      token: agency.tokens.engineer,
      body: { stage: "staging", suite: "e2e", status: "passed" },
    });
    expect(staging.status, staging.text).toBe(200);
    const procedure = await api(`/v1/releases/${id}/rollback-procedure`, {
      method: "PUT",
      token: rm,
      body: { steps: [{ title: "Redeploy the previous build" }] },
    });
    expect(procedure.status, procedure.text).toBe(200);
    const checklist = await api(`/v1/releases/${id}/checklist`, { token: rm });
    const items = checklist.body.items as { id: string; key: string; category: string; status: string }[];
    const acl = items.filter((item) => item.category === "acl");
    expect(acl.map((item) => item.key).sort()).toEqual([
      "acl_no_misleading_claims",
      "acl_promotion_terms_shown",
      "acl_single_price",
    ]);
    for (const item of items.filter((i) => i.category === "general" && i.status === "open")) {
      const ticked = await api(`/v1/releases/${id}/checklist/${item.id}`, {
        method: "PATCH",
        token: agency.tokens.engineer,
        body: { status: "done" },
      });
      expect(ticked.status, ticked.text).toBe(200);
    }
    await bookWindowNow(agency, id);

    const refused = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
    expect(refused.status).toBe(409);
    expect(refused.body.unmet_gates.map((g: { id: string }) => g.id)).toContain("compliance_signed_off");

    // An engineer's tick is not a sign-off.
    const engineer = await api(`/v1/releases/${id}/checklist/${acl[0]?.id}`, {
      method: "PATCH",
      token: agency.tokens.engineer,
      body: { status: "done" },
    });
    expect(engineer.status).toBe(403);

    for (const item of acl.slice(0, 2)) {
      const signed = await api(`/v1/releases/${id}/checklist/${item.id}`, {
        method: "PATCH",
        token: rm,
        body: { status: "done", evidence_url: "https://docs.example/acl-review" },
      });
      expect(signed.status, signed.text).toBe(200);
      expect(signed.body.completed_by).toBe(agency.members.release_manager.id);
    }
    const stillRefused = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
    expect(stillRefused.status).toBe(409);
    expect(
      stillRefused.body.unmet_gates.find((g: { id: string }) => g.id === "compliance_signed_off").detail,
    ).toContain("not signed off");

    const last = await api(`/v1/releases/${id}/checklist/${acl[2]?.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { status: "done" },
    });
    expect(last.status, last.text).toBe(200);
    const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "ACL reviewed" });
    expect(go.status, go.text).toBe(200);
    expect(go.body.stage).toBe("deployment_execution");
  });
});
