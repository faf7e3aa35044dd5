import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { createRelease } from "../support/releases";
import { securityCases } from "../support/security";

// Reaching go took about 20 calls, 10–13 of them one PATCH per checklist item after a GET for
// ids. One bulk update (all or nothing, errors per item, items named by template key) and the
// creator as release manager remove most of them.

let agency: SeededAgency;
let other: SeededAgency;
let securityReleaseId: string;
beforeAll(async () => {
  [agency, other] = await seedTwoAgencies();
  securityReleaseId = await createRelease(agency);
});

interface Item {
  id: string;
  key: string;
  status: string;
  category: string;
}

async function checklist(releaseId: string): Promise<Item[]> {
  const res = await api(`/v1/releases/${releaseId}/checklist`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

const patch = (releaseId: string, items: unknown[], token = agency.tokens.engineer) =>
  api(`/v1/releases/${releaseId}/checklist`, { method: "PATCH", token, body: { items } });

describe("the release manager by default", () => {
  it("a release manager who creates a release manages it; an owner's release has none until assigned", async () => {
    const mine = await createRelease(agency);
    const release = await api(`/v1/releases/${mine}`, { token: agency.tokens.viewer });
    expect(release.body.team.release_manager_id).toBe(agency.members.release_manager.id);

    const byOwner = await createRelease(agency, {}, agency.tokens.owner);
    const owned = await api(`/v1/releases/${byOwner}`, { token: agency.tokens.viewer });
    expect(owned.body.team.release_manager_id).toBeNull();

    const nobody = await createRelease(agency, { release_manager_id: null });
    const unassigned = await api(`/v1/releases/${nobody}`, { token: agency.tokens.viewer });
    expect(unassigned.body.team.release_manager_id).toBeNull();

    const named = await createRelease(agency, { release_manager_id: agency.members.owner.id });
    const assigned = await api(`/v1/releases/${named}`, { token: agency.tokens.viewer });
    expect(assigned.body.team.release_manager_id).toBe(agency.members.owner.id);
  });

  it("refuses a release manager who is an engineer, or another agency's member, naming the field", async () => {
    for (const id of [agency.members.engineer.id, other.members.release_manager.id]) {
      const res = await api("/v1/releases", {
        token: agency.tokens.release_manager,
        body: {
          project_id: agency.projectId,
          version: `9.${Date.now()}`,
          title: "x",
          risk: "low",
          release_manager_id: id,
        },
      });
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors[0].path).toBe("body.release_manager_id");
    }
  });
});

describe("PATCH /v1/releases/{id}/checklist", () => {
  it("ticks several items by key in one call, one audit entry each", async () => {
    const id = await createRelease(agency);
    const general = (await checklist(id)).filter((item) => item.category === "general").slice(0, 3);
    expect(general).toHaveLength(3);
    const res = await patch(
      id,
      general.map((item) => ({ key: item.key, status: "done", evidence_url: "https://ci.example/run/1" })),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.updated.map((item: Item) => item.status)).toEqual(["done", "done", "done"]);
    const after = await checklist(id);
    for (const item of general) expect(after.find((i) => i.id === item.id)?.status).toBe("done");
    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
    expect(
      events.body.items.filter((e: { type: string }) => e.type === "checklist_item_updated"),
    ).toHaveLength(3);
  });

  it("is all or nothing: one unknown item, one named twice or a compliance item for an engineer refuses every change", async () => {
    const id = await createRelease(agency, {
      compliance: { touches_pricing_promotions_or_claims: true },
    });
    const items = await checklist(id);
    const [first, second] = items.filter((item) => item.category === "general");
    const compliance = items.find((item) => item.category !== "general");
    if (!first || !second || !compliance) throw new Error("the checklist lacks general or compliance items");

    const unknown = await patch(id, [
      { key: first.key, status: "done" },
      { key: "no_such_item", status: "done" },
      { item_id: second.id, status: "n_a" },
      { item_id: second.id, status: "done" },
    ]);
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "body.items.1.key",
      "body.items.3",
    ]);

    const forbidden = await patch(id, [
      { key: first.key, status: "done" },
      { item_id: compliance.id, status: "done" },
    ]);
    expect(forbidden.status, forbidden.text).toBe(403);
    expect(forbidden.body.errors[0].path).toBe("body.items.1");

    const both = await patch(id, [{ item_id: first.id, key: first.key, status: "done" }]);
    expect(both.status, both.text).toBe(400);

    // Nothing was written by any of them.
    const after = await checklist(id);
    expect(after.filter((item) => item.status !== "open")).toEqual([]);

    const signed = await patch(
      id,
      [{ item_id: compliance.id, status: "done" }],
      agency.tokens.release_manager,
    );
    expect(signed.status, signed.text).toBe(200);
  });
});

const agencies = () => [agency, other] as [SeededAgency, SeededAgency];
securityCases(
  "PATCH /v1/releases/{id}/checklist",
  {
    method: "PATCH",
    path: () => `/v1/releases/${securityReleaseId}/checklist`,
    body: () => ({ items: [{ key: "no_such_item", status: "done" }] }),
    allowedRoles: ["owner", "release_manager", "engineer"],
    ownsResource: true,
  },
  agencies,
);

describe("change log visibility on the release", () => {
  it("each entry says whether clients see it: by kind, unless the author said", async () => {
    const id = await createRelease(agency, {
      change_log: [
        { summary: "New summer sale banner", kind: "feature" },
        { summary: "Upgrade CMS to 6.2", kind: "chore" },
        { summary: "Announce the new CMS to editors", kind: "chore", public: true },
      ],
    });
    const release = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    expect(release.body.change_log.map((entry: { public: boolean }) => entry.public)).toEqual([
      true,
      false,
      true,
    ]);
  });
});
