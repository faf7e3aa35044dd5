/**
 * The go/no-go recommendation the release manager sees before deciding: computed from the staging
 * results, the checklist, stakeholder readiness and risk, with every reason spelled out. It is
 * advice: the go gates are what refuse a go. A decision records whether it followed the advice.
 */

import { evaluateGate, type GateId, type GateInput } from "./gates";
import { pendingRollbackDecision } from "./pending-decision";
import type { LifecycleContext, ReleaseSnapshot } from "./snapshot";
import { evaluateTestStage, latestResultsBySuite } from "./test-results";

export type ReasonEffect = "supports" | "blocks" | "cautions";

export interface RecommendationReason {
  code: string;
  effect: ReasonEffect;
  message: string;
}

export interface GoNoGoRecommendation {
  recommendation: "go" | "no_go";
  reasons: RecommendationReason[];
}

export interface RollbackRecommendation {
  recommendation: "rollback";
  reasons: RecommendationReason[];
}

/**
 * While a failure waits on the release manager, the advice is to roll back: the procedure is
 * rehearsed and the previous version was known good. Fixing forward stays their call.
 */
export function recommendRollback(snapshot: ReleaseSnapshot): RollbackRecommendation | null {
  const pending = pendingRollbackDecision(snapshot);
  if (!pending) return null;
  const reasons: RecommendationReason[] = pending.causes.map((cause) => ({
    code: cause.cause,
    effect: "supports",
    message:
      cause.cause === "deployment_failed"
        ? "The production deployment failed."
        : `The smoke test '${cause.suite}' failed at ${cause.at}.`,
  }));
  reasons.push(
    snapshot.rollback_procedure.length > 0
      ? {
          code: "rollback_procedure_ready",
          effect: "supports",
          message: `The rollback procedure has ${snapshot.rollback_procedure.length} step(s), agreed before go.`,
        }
      : {
          code: "no_rollback_procedure",
          effect: "cautions",
          message: "No rollback procedure is recorded: roll back by hand and record each step.",
        },
  );
  return { recommendation: "rollback", reasons };
}

/** Staging results older than this are stale: the candidate may have changed since. */
export const STALE_STAGING_RESULTS_MS = 7 * 24 * 60 * 60 * 1000;

function fromGate(code: string, id: GateId, input: GateInput): RecommendationReason {
  const report = evaluateGate(id, input);
  return { code, effect: report.ok ? "supports" : "blocks", message: report.detail };
}

function stagingReasons(input: GateInput): RecommendationReason[] {
  const { snapshot } = input;
  const reasons = [fromGate("staging_tests", "staging_tests_passed", input)];
  const verdict = evaluateTestStage(snapshot, "staging");
  if (verdict.ok && verdict.skipped.length > 0) {
    const high = snapshot.release.risk === "high";
    reasons.push({
      code: "staging_suites_skipped",
      // Skipping suites is a judgment call on a low-risk release, not on a high-risk one.
      effect: high ? "blocks" : "cautions",
      message: `${verdict.skipped.length} staging suite(s) were skipped${high ? " on a high-risk release" : ""}: ${verdict.skipped.join(", ")}.`,
    });
  }
  const now = Date.parse(snapshot.now);
  const times = [...latestResultsBySuite(snapshot.test_results, "staging").values()].map((r) =>
    Date.parse(r.at),
  );
  const oldest = Math.min(...times);
  if (times.length > 0 && !Number.isNaN(now) && now - oldest > STALE_STAGING_RESULTS_MS) {
    reasons.push({
      code: "staging_results_stale",
      effect: "cautions",
      message:
        "Some staging results are more than 7 days old; consider re-running them against the candidate.",
    });
  }
  return reasons;
}

function stakeholderReasons(input: GateInput): RecommendationReason[] {
  const { snapshot } = input;
  const reasons = [
    fromGate("stakeholder_readiness", "stakeholders_signed_off", input),
    fromGate("second_approver", "second_approver_signed_off", input),
  ];
  if (snapshot.release.risk === "low") {
    const approvers = snapshot.team.members.filter((member) => member.role === "approver");
    const signed = new Set(snapshot.sign_offs.map((signOff) => signOff.signer_id));
    const waiting = approvers.filter((approver) => !signed.has(approver.member_id));
    if (waiting.length > 0)
      reasons.push({
        code: "stakeholders_waiting",
        effect: "cautions",
        message: `${waiting.length} approver(s) have not signed off; not required for a low-risk release.`,
      });
  }
  return reasons;
}

function riskReasons(input: GateInput): RecommendationReason[] {
  const reasons = [fromGate("window_policy", "window_allowed_by_policy", input)];
  if (input.snapshot.release.risk === "high")
    reasons.push({
      code: "high_risk",
      effect: "cautions",
      message: "High-risk release: deploy in a maintenance window with the rollback procedure at hand.",
    });
  else reasons.push({ code: "low_risk", effect: "supports", message: "Low-risk release." });
  return reasons;
}

export function recommendGoNoGo(
  snapshot: ReleaseSnapshot,
  context: LifecycleContext,
  deciderId: string | null = snapshot.team.release_manager_id,
): GoNoGoRecommendation {
  const input: GateInput = { snapshot, context, decider_id: deciderId };
  const reasons = [
    ...stagingReasons(input),
    fromGate("checklist", "checklist_complete", input),
    fromGate("compliance", "compliance_signed_off", input),
    ...stakeholderReasons(input),
    ...riskReasons(input),
    fromGate("rollback_procedure", "rollback_procedure_present", input),
  ];
  const blocked = reasons.some((reason) => reason.effect === "blocks");
  return { recommendation: blocked ? "no_go" : "go", reasons };
}
