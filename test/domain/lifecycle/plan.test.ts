import { describe, expect, it } from "vitest";
import {
  buildReleasePlan,
  type PlanContext,
  type PlanFormatting,
  recommendGoNoGo,
  renderReleasePlanMarkdown,
} from "../../../src/domain/lifecycle";
import { completeSnapshot, emptySnapshot } from "./fixtures";

// A stand-in formatter: the app passes one built on Intl for the agency's zone.
const formatting: PlanFormatting = {
  timezone: "Australia/Sydney",
  formatLocal: (instant) => `local(${instant})`,
};

// What the app loads beside the snapshot; isPublic stands in for the release notes rule.
const context: PlanContext = {
  client: { id: "client-harbour", name: "Harbour Café" },
  project: { id: "project-site", name: "Website" },
  monitoring_dashboards: [{ name: "Uptime [prod]", url: "https://status.example.com.au/harbour" }],
  communication: [
    {
      kind: "contact",
      role: "client",
      name: "Casey Client",
      will_receive: { factual: true, commercial: false },
    },
    { kind: "member", role: "owner", name: "Olive Owner", will_receive: { factual: true, commercial: true } },
  ],
  isPublic: (entry) => entry.kind !== "chore",
};

describe("release plan", () => {
  it("holds scope, change log, window in local time, team, rollback, test plan and checklist", () => {
    const snapshot = completeSnapshot();
    snapshot.release.compliance.touches_personal_data = true;
    const plan = buildReleasePlan(snapshot, formatting, context);
    expect(plan.release).toMatchObject({ version: "2.3.0", risk: "low", stage: "planning" });
    expect(plan.compliance.laws).toEqual(["Privacy Act"]);
    expect(plan.window).toEqual({
      starts_at: "2026-03-14T10:00:00Z",
      ends_at: "2026-03-14T14:00:00Z",
      starts_local: "local(2026-03-14T10:00:00Z)",
      ends_local: "local(2026-03-14T14:00:00Z)",
      timezone: "Australia/Sydney",
      confirmed: true,
      policy_ok: true,
    });
    expect(plan.client).toEqual({ id: "client-harbour", name: "Harbour Café" });
    expect(plan.project).toEqual({ id: "project-site", name: "Website" });
    expect(plan.timezone).toBe("Australia/Sydney");
    expect(plan.monitoring.dashboards).toEqual(context.monitoring_dashboards);
    expect(plan.communication.map((entry) => entry.name)).toEqual(["Casey Client", "Olive Owner"]);
    expect(JSON.stringify(plan)).not.toContain("@");
    expect(plan.team.release_manager).toEqual({ member_id: "member-release-manager", name: "Riley Manager" });
    expect(plan.team.engineers.map((p) => p.name)).toEqual(["Eden Engineer"]);
    expect(plan.team.approvers.map((p) => p.name)).toEqual(["Alex Approver"]);
    expect(plan.rollback_procedure.map((s) => s.position)).toEqual([1, 2]);
    expect(plan.test_plan.map((g) => g.stage)).toEqual(["staging", "smoke", "verification", "uat"]);
    expect(plan.checklist).toEqual([
      {
        stage: "pre_deployment_verification",
        items: [expect.objectContaining({ key: "backup_verified", status: "done", required: true })],
      },
    ]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("orders rollback steps by position whatever order they were loaded in", () => {
    const snapshot = completeSnapshot();
    snapshot.rollback_procedure.reverse();
    expect(buildReleasePlan(snapshot, formatting, context).rollback_procedure.map((s) => s.position)).toEqual(
      [1, 2],
    );
  });

  it("renders markdown with every section", () => {
    const markdown = renderReleasePlanMarkdown(buildReleasePlan(completeSnapshot(), formatting, context));
    const headings = markdown.split("\n").filter((line) => line.startsWith("#"));
    expect(headings).toEqual([
      "# Release plan: Autumn campaign landing pages 2.3.0",
      "## Scope",
      "## Change log",
      "## Deployment window",
      "## Team",
      "## Monitoring",
      "## Communication",
      "## Rollback procedure",
      "## Test plan",
      "### Staging",
      "### Smoke tests (production)",
      "### Post-deployment verification",
      "### User acceptance",
      "## Checklist",
      "### Pre-deployment verification",
    ]);
    expect(markdown).toContain(
      "- Starts: local(2026-03-14T10:00:00Z) (Australia/Sydney); 2026-03-14T10:00:00Z UTC",
    );
    expect(markdown).toContain("- **feature**: Add /autumn landing page (PR-42)");
    expect(markdown).toContain("| Client | Harbour Café |");
    expect(markdown).toContain("| Project | Website |");
    expect(markdown).toContain("- [Uptime prod](<https://status.example.com.au/harbour>)");
    expect(markdown).toContain("- Casey Client (client): factual messages only");
    expect(markdown).toContain("- Olive Owner (owner): all messages");
    expect(markdown).toContain(
      "1. Re-point the CDN to the previous build\n2. Purge the CDN cache: All zones",
    );
    expect(markdown).toContain("- [x] A production backup is taken and known to restore");
    expect(markdown.endsWith("\n")).toBe(true);
  });

  it("keeps user text from breaking the document's structure", () => {
    const snapshot = completeSnapshot();
    snapshot.release.version = "2.3|beta";
    snapshot.release.change_log = [{ summary: "Line one\n## Not a heading", kind: null, reference: null }];
    const markdown = renderReleasePlanMarkdown(buildReleasePlan(snapshot, formatting, context));
    expect(markdown).toContain("| Version | 2.3\\|beta |");
    expect(markdown).toContain("- Line one ## Not a heading");
    expect(markdown.split("\n")).not.toContain("## Not a heading");
  });

  it("says what is missing for a new release", () => {
    const bare = { ...context, monitoring_dashboards: [], communication: [] };
    const markdown = renderReleasePlanMarkdown(buildReleasePlan(emptySnapshot(), formatting, bare));
    for (const text of [
      "_No scope written yet._",
      "_Empty._",
      "_No window chosen yet._",
      "_not assigned_",
      "_No rollback procedure yet._",
      "_No test plan yet._",
      "_No checklist yet._",
      "_No dashboards yet._",
      "_Nobody on the communication list yet._",
    ])
      expect(markdown).toContain(text);
  });
});

describe("release plan: go/no-go recommendation", () => {
  it("shows the recommendation and its reasons when one is passed, and none otherwise", () => {
    const snapshot = completeSnapshot();
    const recommendation = recommendGoNoGo(snapshot, { policy: { second_approver_for_high_risk: false } });
    const plan = buildReleasePlan(snapshot, { ...formatting, recommendation }, context);
    expect(plan.go_no_go).toEqual(recommendation);
    const markdown = renderReleasePlanMarkdown(plan);
    expect(markdown).toContain("## Go/no-go recommendation");
    for (const reason of recommendation.reasons) expect(markdown).toContain(reason.message.slice(0, 20));
    expect(buildReleasePlan(snapshot, formatting, context).go_no_go).toBeNull();
    expect(renderReleasePlanMarkdown(buildReleasePlan(snapshot, formatting, context))).not.toContain(
      "Go/no-go",
    );
  });
});
