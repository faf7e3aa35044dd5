import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import {
  createRelease,
  eventTypes,
  gate,
  go,
  ok,
  readyForGo,
  release,
  stable,
  toPostDeployment,
  toPreDeployment,
  verificationPassed,
} from "./release-driver";

let a: SeededAgency;
let b: SeededAgency;
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
});

const versionOf = async (id: string) => (await release(a, id)).row_version as number;

describe("checklist", () => {
  it("lists the current attempt's items and records who ticked one and when", async () => {
    const id = await createRelease(a, { compliance: { touches_personal_data: true } });
    const list = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
    expect(list.body.attempt).toBe(1);
    expect(list.body.items.length).toBe(13); // 10 default items + 3 Privacy Act items
    const general = list.body.items.find((i: { key: string }) => i.key === "backup_verified");
    expect(general).toMatchObject({
      stage: "pre_deployment_verification",
      category: "general",
      status: "open",
    });

    const before = await versionOf(id);
    const done = await api(`/v1/releases/${id}/checklist/${general.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done", evidence_url: "https://ci.example/backup/42", note: "Restored into staging" },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({
      id: general.id,
      status: "done",
      completed_by: a.members.engineer.id,
      evidence_url: "https://ci.example/backup/42",
    });
    expect(Date.parse(done.body.completed_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(done.headers.get("ETag")).toBe(`"${before + 1}"`);

    const reopened = await api(`/v1/releases/${id}/checklist/${general.id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "open" },
    });
    expect(reopened.status, reopened.text).toBe(200);
    expect(reopened.body).toMatchObject({ status: "open", completed_by: null, completed_at: null });

    const na = await api(`/v1/releases/${id}/checklist/${general.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "n_a" },
    });
    expect(na.body).toMatchObject({ status: "n_a", completed_by: a.members.engineer.id });

    const events = await ok(`/v1/releases/${id}/events?limit=200`, a.tokens.viewer);
    const ticked = events.body.items.filter((e: { type: string }) => e.type === "checklist_item_updated");
    expect(ticked).toHaveLength(3);
    expect(ticked[0].data).toMatchObject({
      item_id: general.id,
      status: "done",
      note: "Restored into staging",
    });
    expect(ticked[0].actor).toEqual({ kind: "member", member_id: a.members.engineer.id });
  });

  it("lets only an owner or release manager sign off a compliance item", async () => {
    const id = await createRelease(a, { compliance: { sends_commercial_email: true } });
    const list = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
    const spam = list.body.items.find((i: { key: string }) => i.key === "spam_consent");
    expect(spam.category).toBe("spam");
    const before = await versionOf(id);

    const refused = await api(`/v1/releases/${id}/checklist/${spam.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done" },
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    expect(refused.body.detail).toContain("compliance item");
    expect(await versionOf(id)).toBe(before);
    const still = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
    expect(still.body.items.find((i: { id: string }) => i.id === spam.id).status).toBe("open");

    const signed = await api(`/v1/releases/${id}/checklist/${spam.id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "done" },
    });
    expect(signed.status, signed.text).toBe(200);
    expect(signed.body.completed_by).toBe(a.members.release_manager.id);
    // Reopening a signed compliance item is also a sign-off matter.
    const reopen = await api(`/v1/releases/${id}/checklist/${spam.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "open" },
    });
    expect(reopen.status).toBe(403);
  });

  it("answers 404 for an item of another release or none, 400 for bad bodies, 409 once cancelled", async () => {
    const id = await createRelease(a);
    const other = await createRelease(a);
    const otherItems = await ok(`/v1/releases/${other}/checklist`, a.tokens.viewer);
    const foreign = otherItems.body.items[0].id;
    const before = await versionOf(id);

    const wrongRelease = await api(`/v1/releases/${id}/checklist/${foreign}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done" },
    });
    expect(wrongRelease.status).toBe(404);
    expect(wrongRelease.body.code).toBe("not_found");
    const missing = await api(`/v1/releases/${id}/checklist/${crypto.randomUUID()}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done" },
    });
    expect(missing.status).toBe(404);
    const unknownField = await api(`/v1/releases/${id}/checklist/${foreign}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done", done_by: "me" },
    });
    expect(unknownField.status).toBe(400);
    const badStatus = await api(`/v1/releases/${id}/checklist/${foreign}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "finished" },
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors[0].path).toBe("body.status");
    const future = await api(`/v1/releases/${id}/checklist?attempt=2`, { token: a.tokens.viewer });
    expect(future.status).toBe(400);
    expect(await versionOf(id)).toBe(before);
    expect((await ok(`/v1/releases/${other}/checklist`, a.tokens.viewer)).body.items[0].status).toBe("open");

    await ok(`/v1/releases/${id}/cancel`, a.tokens.owner, { reason: "Client postponed" });
    const item = (await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer)).body.items[0];
    const cancelledVersion = await versionOf(id);
    const closed = await api(`/v1/releases/${id}/checklist/${item.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "done" },
    });
    expect(closed.status).toBe(409);
    expect(closed.body.detail).toContain("cancelled");
    expect(await versionOf(id)).toBe(cancelledVersion);
    expect((await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer)).body.items[0].status).toBe("open");
  });
});

describe("agency checklist template", () => {
  it("serves the default, takes the owner's own template for new releases, and resets", async () => {
    const initial = await ok("/v1/checklist-template", a.tokens.viewer);
    expect(initial.body.is_default).toBe(true);
    expect(initial.body.updated_at).toBeNull();
    expect(initial.body.items.map((i: { key: string }) => i.key)).toContain("backup_verified");

    const items = [
      {
        key: "brand_review",
        title: "The client's brand team approved the pages",
        stage: "pre_deployment_verification",
        required: true,
        category: "general",
      },
      {
        key: "launch_post",
        title: "Launch post scheduled",
        stage: "communication_closure",
        required: false,
        category: "general",
        guidance: "LinkedIn and the newsletter.",
      },
    ];
    const refused = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { items },
    });
    expect(refused.status).toBe(403);
    expect((await ok("/v1/checklist-template", a.tokens.viewer)).body.is_default).toBe(true);

    const compliance = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items: [{ ...items[0], key: "spam_consent" }] },
    });
    expect(compliance.status).toBe(400);
    expect(compliance.body.errors[0].path).toBe("body.items.0.key");
    const category = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items: [{ ...items[0], category: "acl" }] },
    });
    expect(category.status).toBe(400);
    const duplicate = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items: [items[0], items[0]] },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors[0].path).toBe("body.items.1.key");
    const empty = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items: [] },
    });
    expect(empty.status).toBe(400);
    const extra = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items, version: 2 },
    });
    expect(extra.status).toBe(400);
    expect((await ok("/v1/checklist-template", a.tokens.viewer)).body.is_default).toBe(true);

    const saved = await api("/v1/checklist-template", {
      method: "PUT",
      token: a.tokens.owner,
      body: { items },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.is_default).toBe(false);
    expect(saved.body.items[0]).toEqual({ ...items[0], guidance: null });
    const read = await ok("/v1/checklist-template", a.tokens.engineer);
    expect(read.body).toMatchObject({ is_default: false, items: saved.body.items });
    // The other agency still has the default.
    expect((await ok("/v1/checklist-template", b.tokens.viewer)).body.is_default).toBe(true);

    const id = await createRelease(a, { compliance: { touches_pricing_promotions_or_claims: true } });
    const checklist = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
    expect(checklist.body.items.map((i: { key: string }) => i.key)).toEqual([
      "brand_review",
      "launch_post",
      "acl_single_price",
      "acl_no_misleading_claims",
      "acl_promotion_terms_shown",
    ]);
    expect(checklist.body.items[1]).toMatchObject({
      stage: "communication_closure",
      guidance: "LinkedIn and the newsletter.",
    });

    const reset = await api("/v1/checklist-template", { method: "DELETE", token: a.tokens.owner });
    expect(reset.status).toBe(204);
    expect((await ok("/v1/checklist-template", a.tokens.viewer)).body.is_default).toBe(true);
  });
});

describe("test plan and rollback procedure", () => {
  it("sets the test plan in planning, which the staging gate then reads; refuses it once deploying", async () => {
    const id = await createRelease(a);
    const plan = await api(`/v1/releases/${id}/test-plan`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: {
        entries: [
          { stage: "staging", suite: "e2e", description: "Checkout and contact form" },
          { stage: "staging", suite: "accessibility" },
          { stage: "uat", suite: "client walkthrough" },
        ],
      },
    });
    expect(plan.status, plan.text).toBe(200);
    expect(plan.body.test_plan).toEqual([
      { stage: "staging", suite: "e2e", description: "Checkout and contact form" },
      { stage: "staging", suite: "accessibility", description: null },
      { stage: "uat", suite: "client walkthrough", description: null },
    ]);
    const before = plan.body.row_version;
    const engineer = await api(`/v1/releases/${id}/test-plan`, {
      method: "PUT",
      token: a.tokens.engineer,
      body: { entries: [] },
    });
    expect(engineer.status).toBe(403);
    const duplicate = await api(`/v1/releases/${id}/test-plan`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: {
        entries: [
          { stage: "staging", suite: "e2e" },
          { stage: "staging", suite: "e2e" },
        ],
      },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors[0].path).toBe("body.entries.1.suite");
    expect((await release(a, id)).row_version).toBe(before);

    await toPreDeployment(a, id);
    await readyForGo(a, id);
    const halfTested = await api(`/v1/releases/${id}/decisions`, {
      token: a.tokens.release_manager,
      body: { kind: "go_no_go", outcome: "go", rationale: "Ship it" },
    });
    expect(halfTested.status).toBe(409);
    expect(halfTested.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(["staging_tests_passed"]);
    await ok(`/v1/releases/${id}/test-results`, a.tokens.engineer, {
      stage: "staging",
      suite: "accessibility",
      status: "passed",
    });
    await go(a, id);

    const executing = (await release(a, id)).row_version;
    const late = await api(`/v1/releases/${id}/test-plan`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { entries: [] },
    });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("deployment execution");
    const after = await release(a, id);
    expect(after.row_version).toBe(executing);
    expect(after.test_plan).toHaveLength(3);
  });

  it("numbers the rollback procedure's steps 1..n", async () => {
    const id = await createRelease(a);
    const res = await api(`/v1/releases/${id}/rollback-procedure`, {
      method: "PUT",
      token: a.tokens.owner,
      body: {
        steps: [
          { title: "Switch traffic back", details: "Blue/green swap" },
          { title: "Restore DB snapshot" },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.rollback_procedure).toEqual([
      { position: 1, title: "Switch traffic back", details: "Blue/green swap" },
      { position: 2, title: "Restore DB snapshot", details: null },
    ]);
    expect(gate(res.body, "rollback_procedure_present")).toBe(true);
    const bad = await api(`/v1/releases/${id}/rollback-procedure`, {
      method: "PUT",
      token: a.tokens.owner,
      body: { steps: [{ title: "" }] },
    });
    expect(bad.status).toBe(400);
    expect((await eventTypes(a, id)).filter((t) => t === "rollback_procedure_set")).toHaveLength(1);
  });
});

describe("post-deployment verification: monitoring, issues, stability", () => {
  let id: string;
  beforeAll(async () => {
    id = await createRelease(a);
  });

  it("refuses monitoring confirmation and issue reports before post-deployment verification", async () => {
    const before = await versionOf(id);
    const confirm = await api(`/v1/releases/${id}/monitoring-confirmation`, {
      token: a.tokens.engineer,
      body: {},
    });
    expect(confirm.status).toBe(409);
    expect(confirm.body.detail).toContain("post-deployment verification");
    const issue = await api(`/v1/releases/${id}/issues`, {
      token: a.tokens.engineer,
      body: { severity: "low", description: "Typo" },
    });
    expect(issue.status).toBe(409);
    expect(await versionOf(id)).toBe(before);
    expect((await ok(`/v1/releases/${id}/issues`, a.tokens.viewer)).body.items).toEqual([]);
    expect((await ok(`/v1/releases/${id}/monitoring`, a.tokens.viewer)).body.confirmed_by).toBeNull();
  });

  it("names the dashboards and records the member who confirmed the monitoring", async () => {
    await toPostDeployment(a, id);
    await verificationPassed(a, id);
    const before = await versionOf(id);
    const viewer = await api(`/v1/releases/${id}/monitoring-dashboards`, {
      method: "PUT",
      token: a.tokens.engineer,
      body: { dashboards: [{ name: "Errors", url: "https://grafana.example/d/errors" }] },
    });
    expect(viewer.status).toBe(403);
    const notUrl = await api(`/v1/releases/${id}/monitoring-dashboards`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { dashboards: [{ name: "Errors", url: "grafana" }] },
    });
    expect(notUrl.status).toBe(400);
    expect(await versionOf(id)).toBe(before);

    const dashboards = await api(`/v1/releases/${id}/monitoring-dashboards`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { dashboards: [{ name: "Errors", url: "https://grafana.example/d/errors" }] },
    });
    expect(dashboards.status, dashboards.text).toBe(200);
    expect(dashboards.body.monitoring_dashboards).toEqual([
      { name: "Errors", url: "https://grafana.example/d/errors" },
    ]);
    expect(dashboards.body.result).toEqual({
      dashboards: [{ name: "Errors", url: "https://grafana.example/d/errors" }],
      confirmed_by: null,
      confirmed_at: null,
    });
    expect(gate(dashboards.body, "monitoring_confirmed")).toBe(false);
    const confirmed = await api(`/v1/releases/${id}/monitoring-confirmation`, {
      token: a.tokens.engineer,
      body: { note: "Error rate flat for 30 minutes" },
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(gate(confirmed.body, "monitoring_confirmed")).toBe(true);
    expect(confirmed.body.result.confirmed_by).toBe(a.members.engineer.id);
    expect(confirmed.body.result.confirmed_at).not.toBeNull();
    expect((await ok(`/v1/releases/${id}/monitoring`, a.tokens.viewer)).body).toEqual(confirmed.body.result);
    const events = await ok(`/v1/releases/${id}/events?limit=200`, a.tokens.viewer);
    const confirmation = events.body.items.find((e: { type: string }) => e.type === "monitoring_confirmed");
    expect(confirmation.data).toEqual({
      confirmed_by: a.members.engineer.id,
      note: "Error rate flat for 30 minutes",
    });
  });

  it("holds the stable decision while a critical issue is open, and releases it once closed", async () => {
    const issue = await api(`/v1/releases/${id}/issues`, {
      token: a.tokens.engineer,
      headers: { "Idempotency-Key": `issue-${id}` },
      body: {
        severity: "critical",
        description: "Checkout returns 500 for PayPal",
        link: "https://sentry.example/i/1",
      },
    });
    expect(issue.status, issue.text).toBe(201);
    expect(issue.body).toMatchObject({
      severity: "critical",
      status: "open",
      raised_by: a.members.engineer.id,
      attempt: 1,
    });
    const replay = await api(`/v1/releases/${id}/issues`, {
      token: a.tokens.engineer,
      headers: { "Idempotency-Key": `issue-${id}` },
      body: {
        severity: "critical",
        description: "Checkout returns 500 for PayPal",
        link: "https://sentry.example/i/1",
      },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.id).toBe(issue.body.id);
    await ok(`/v1/releases/${id}/issues`, a.tokens.engineer, { severity: "low", description: "Footer typo" });
    const list = await ok(`/v1/releases/${id}/issues`, a.tokens.viewer);
    expect(list.body.items.map((i: { severity: string }) => i.severity)).toEqual(["critical", "low"]);

    const held = await stable(a, id);
    expect(held.status).toBe(409);
    expect(held.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(["no_open_blocking_issues"]);

    const empty = await api(`/v1/releases/${id}/issues/${issue.body.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: {},
    });
    expect(empty.status).toBe(400);
    const viewer = await api(`/v1/releases/${id}/issues/${issue.body.id}`, {
      method: "PATCH",
      token: a.tokens.viewer,
      body: { status: "closed" },
    });
    expect(viewer.status).toBe(403);
    const other = await createRelease(a);
    const elsewhere = await api(`/v1/releases/${other}/issues/${issue.body.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "closed" },
    });
    expect(elsewhere.status).toBe(404);
    expect((await ok(`/v1/releases/${id}/issues`, a.tokens.viewer)).body.items[0].status).toBe("open");

    const regraded = await api(`/v1/releases/${id}/issues/${issue.body.id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { severity: "high" },
    });
    expect(regraded.body).toMatchObject({ severity: "high", status: "open", closed_by: null });
    const closed = await api(`/v1/releases/${id}/issues/${issue.body.id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "closed" },
    });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", closed_by: a.members.engineer.id });

    const decided = await stable(a, id);
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.stage).toBe("communication_closure");
    const late = await api(`/v1/releases/${id}/issues`, {
      token: a.tokens.engineer,
      body: { severity: "low", description: "Late" },
    });
    expect(late.status).toBe(409);
  });

  it("publishes release notes only in communication and closure, once written", async () => {
    const before = await versionOf(id);
    const nothing = await api(`/v1/releases/${id}/notes/publish`, {
      method: "POST",
      token: a.tokens.release_manager,
    });
    expect(nothing.status, nothing.text).toBe(409);
    expect(nothing.body.detail).toContain("write them first");
    expect(await versionOf(id)).toBe(before);

    const engineer = await api(`/v1/releases/${id}/notes`, {
      method: "PUT",
      token: a.tokens.engineer,
      body: { markdown: "# 9" },
    });
    expect(engineer.status).toBe(403);
    const written = await api(`/v1/releases/${id}/notes`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { markdown: "## What's new\n\n- Autumn campaign landing page" },
    });
    expect(written.status, written.text).toBe(200);
    expect(written.body).toEqual({
      markdown: "## What's new\n\n- Autumn campaign landing page",
      published_at: null,
    });
    const published = await api(`/v1/releases/${id}/notes/publish`, {
      method: "POST",
      token: a.tokens.release_manager,
    });
    expect(published.status, published.text).toBe(200);
    expect(published.body.published_at).not.toBeNull();
    const again = await api(`/v1/releases/${id}/notes/publish`, {
      method: "POST",
      token: a.tokens.release_manager,
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("already published");
    expect((await ok(`/v1/releases/${id}/notes`, a.tokens.viewer)).body).toEqual(published.body);
    expect(gate(await release(a, id), "release_notes_published")).toBe(true);
    const types = await eventTypes(a, id);
    expect(types).toContain("release_notes_written");
    expect(types).toContain("release_notes_published");
  });

  it("refuses to publish notes outside communication and closure", async () => {
    const early = await createRelease(a);
    await ok(`/v1/releases/${early}/notes`, a.tokens.owner, { markdown: "Draft" }, "PUT");
    const before = await versionOf(early);
    const res = await api(`/v1/releases/${early}/notes/publish`, { method: "POST", token: a.tokens.owner });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain("communication and closure");
    expect(await versionOf(early)).toBe(before);
    expect((await ok(`/v1/releases/${early}/notes`, a.tokens.viewer)).body).toEqual({
      markdown: "Draft",
      published_at: null,
    });
  });
});

describe("stakeholder sign-offs", () => {
  it("takes approvers' sign-offs, refuses everyone else, and feeds the high-risk go gate", async () => {
    const id = await createRelease(a, { risk: "high" });
    await toPreDeployment(a, id, [a.members.viewer.id]);
    await readyForGo(a, id);
    let body = await release(a, id);
    expect(gate(body, "stakeholders_signed_off")).toBe(false);

    const before = body.row_version;
    const engineer = await api(`/v1/releases/${id}/sign-offs`, {
      token: a.tokens.engineer,
      body: { decision: "approved" },
    });
    expect(engineer.status, engineer.text).toBe(403);
    expect(engineer.body.detail).toContain("approver");
    const badDecision = await api(`/v1/releases/${id}/sign-offs`, {
      token: a.tokens.viewer,
      body: { decision: "yes" },
    });
    expect(badDecision.status).toBe(400);
    expect(await versionOf(id)).toBe(before);
    expect((await ok(`/v1/releases/${id}/sign-offs`, a.tokens.viewer)).body.items).toEqual([]);

    const rejected = await api(`/v1/releases/${id}/sign-offs`, {
      token: a.tokens.viewer,
      body: { decision: "rejected", note: "Legal has not seen the copy" },
    });
    expect(rejected.status, rejected.text).toBe(201);
    expect(rejected.body).toMatchObject({
      signer_id: a.members.viewer.id,
      decision: "rejected",
      note: "Legal has not seen the copy",
    });
    const refusedGo = await api(`/v1/releases/${id}/decisions`, {
      token: a.tokens.release_manager,
      body: { kind: "go_no_go", outcome: "go", rationale: "Ready" },
    });
    expect(refusedGo.status).toBe(409);
    expect(refusedGo.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(["stakeholders_signed_off"]);

    const approved = await api(`/v1/releases/${id}/sign-offs`, {
      token: a.tokens.viewer,
      body: { decision: "approved" },
    });
    expect(approved.status).toBe(201);
    const list = await ok(`/v1/releases/${id}/sign-offs`, a.tokens.engineer);
    expect(list.body.items.map((s: { decision: string }) => s.decision)).toEqual(["rejected", "approved"]);
    body = await release(a, id);
    expect(gate(body, "stakeholders_signed_off")).toBe(true);
    await go(a, id);

    const late = await api(`/v1/releases/${id}/sign-offs`, {
      token: a.tokens.viewer,
      body: { decision: "rejected" },
    });
    expect(late.status).toBe(409);
    const events = await ok(`/v1/releases/${id}/events?limit=200`, a.tokens.viewer);
    const signed = events.body.items.filter((e: { type: string }) => e.type === "stakeholder_signed_off");
    expect(signed.map((e: { data: { decision: string } }) => e.data.decision)).toEqual([
      "rejected",
      "approved",
    ]);
    expect(JSON.stringify(signed)).not.toContain("Legal has not seen");
  });
});
