import { describe, expect, it } from "vitest";
import { type ReleaseSnapshot, recommendGoNoGo } from "../../../src/domain/lifecycle";
import { at, clone, completeSnapshot, context, nth } from "./fixtures";

const ready = at(completeSnapshot(), "pre_deployment_verification", "active");

function variant(change: (s: ReleaseSnapshot) => void): ReleaseSnapshot {
  const snapshot = clone(ready);
  change(snapshot);
  return snapshot;
}

describe("go/no-go recommendation", () => {
  it("recommends go when everything supports it, with the reasons", () => {
    const advice = recommendGoNoGo(ready, context);
    expect(advice.recommendation).toBe("go");
    expect(advice.reasons.map((r) => r.code)).toEqual([
      "staging_tests",
      "checklist",
      "compliance",
      "stakeholder_readiness",
      "second_approver",
      "window_policy",
      "low_risk",
      "rollback_procedure",
    ]);
    expect(advice.reasons.every((r) => r.effect === "supports")).toBe(true);
  });

  it.each<[string, (s: ReleaseSnapshot) => void, string, "go" | "no_go", "blocks" | "cautions"]>([
    [
      "a failing staging suite",
      (s) => {
        s.test_results[0] = { ...nth(s.test_results, 0), status: "failed" };
      },
      "staging_tests",
      "no_go",
      "blocks",
    ],
    [
      "an open required checklist item",
      (s) => {
        s.checklist[0] = { ...nth(s.checklist, 0), status: "open" };
      },
      "checklist",
      "no_go",
      "blocks",
    ],
    [
      "an unsigned ACL item",
      (s) => {
        s.release.compliance.touches_pricing_promotions_or_claims = true;
      },
      "compliance",
      "no_go",
      "blocks",
    ],
    [
      "a high-risk release without sign-off",
      (s) => {
        s.release.risk = "high";
        s.sign_offs = [];
      },
      "stakeholder_readiness",
      "no_go",
      "blocks",
    ],
    [
      "a low-risk release without sign-off",
      (s) => {
        s.sign_offs = [];
      },
      "stakeholders_waiting",
      "go",
      "cautions",
    ],
    [
      "a skipped suite on a high-risk release",
      (s) => {
        s.release.risk = "high";
        s.test_results.push({
          stage: "staging",
          suite: "visual",
          status: "skipped",
          at: "2026-03-14T08:00:00Z",
        });
      },
      "staging_suites_skipped",
      "no_go",
      "blocks",
    ],
    [
      "a skipped suite on a low-risk release",
      (s) => {
        s.test_results.push({
          stage: "staging",
          suite: "visual",
          status: "skipped",
          at: "2026-03-14T08:00:00Z",
        });
      },
      "staging_suites_skipped",
      "go",
      "cautions",
    ],
    [
      "staging results older than a week",
      (s) => {
        s.test_results[0] = { ...nth(s.test_results, 0), at: "2026-03-01T08:00:00Z" };
      },
      "staging_results_stale",
      "go",
      "cautions",
    ],
    [
      "a window the policy refuses",
      (s) => {
        if (s.window) s.window.policy_ok = false;
      },
      "window_policy",
      "no_go",
      "blocks",
    ],
    [
      "a high-risk release",
      (s) => {
        s.release.risk = "high";
      },
      "high_risk",
      "go",
      "cautions",
    ],
    [
      "no rollback procedure",
      (s) => {
        s.rollback_procedure = [];
      },
      "rollback_procedure",
      "no_go",
      "blocks",
    ],
  ])("with %s: %s → %s", (_name, change, code, recommendation, effect) => {
    const advice = recommendGoNoGo(variant(change), context);
    expect(advice.recommendation).toBe(recommendation);
    expect(advice.reasons.find((r) => r.code === code)?.effect).toBe(effect);
  });
});
