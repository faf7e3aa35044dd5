/**
 * What `decide` says happened, for the append-only audit table. Every event is `{type, data}` with
 * JSON-able data; the app adds ids, the tenant, the time and the request id when it writes them.
 * Actors are referenced by id only (no names or emails: APP 3/11, and the audit table is forever).
 */

import type { Capacity } from "./authority";
import type { GateReport } from "./gates";
import type { RecommendationReason } from "./recommendation";
import type { Actor, IssueSeverity, TestStage, TestStatus } from "./snapshot";
import type { LifecycleState, Stage } from "./stages";

export type ActorRef =
  | { kind: "member"; member_id: string }
  | { kind: "system"; name: "scheduler" | "ci" | "policy" }
  | { kind: "contact"; contact_id: string };

export function actorRef(actor: Actor): ActorRef {
  return actor.kind === "member" ? { kind: "member", member_id: actor.member_id } : actor;
}

/** Who decided, in which capacity (an owner standing in is recorded as such), and why. */
export interface DecisionRecord {
  decided_by: ActorRef;
  capacity: Capacity;
  rationale: string;
}

export interface ReportRecord {
  reported_by: ActorRef;
  capacity: Capacity;
}

export type LifecycleEvent =
  | {
      type: "release_state_changed";
      data: { from: LifecycleState; to: LifecycleState; rule: string; reason: string | null; by: ActorRef };
    }
  | {
      type: "go_no_go_decided";
      data: DecisionRecord & {
        outcome: "go" | "no_go";
        recommendation: "go" | "no_go";
        recommendation_reasons: RecommendationReason[];
        followed_recommendation: boolean;
        return_to: Stage | null;
      };
    }
  | { type: "release_scheduled"; data: { window_starts_at: string | null; window_ends_at: string | null } }
  | {
      type: "go_withdrawn";
      data: { cause: "halted" | "window_missed" | "gates_no_longer_hold"; unmet_gates: GateReport[] };
    }
  | { type: "release_halted"; data: DecisionRecord }
  | { type: "release_resumed"; data: DecisionRecord }
  | {
      type: "stability_decided";
      data: DecisionRecord & { outcome: "stable" | "unstable"; open_issues: Record<IssueSeverity, number> };
    }
  | {
      type: "rollback_started";
      data: DecisionRecord & { trigger: "rollback_decision" | "unstable_decision"; steps: number };
    }
  | {
      type: "rollback_step_recorded";
      data: ReportRecord & {
        position: number;
        title: string;
        outcome: "done" | "failed";
        note: string | null;
      };
    }
  | { type: "rollback_completed"; data: { steps: number } }
  | {
      // Loud on purpose: production may be half-restored. Notify on it; never fold it into a digest.
      type: "rollback_failed";
      data: { severity: "critical"; position: number; title: string; note: string | null };
    }
  | {
      type: "deployment_reported";
      data: ReportRecord & {
        report: "deployment_started" | "deployment_completed" | "deployment_failed";
        detail: string | null;
        /** Present only when the report came with a link or a CI id. */
        url?: string;
        external_id?: string;
        /** CI's own time for the report, when it sent one. */
        reported_at?: string;
      };
    }
  | {
      type: "rollback_decision_required";
      data: { cause: "deployment_failed" | "smoke_test_failed"; suite: string | null };
    }
  | {
      type: "test_result_recorded";
      data: ReportRecord & {
        stage: TestStage;
        suite: string;
        status: TestStatus;
        url: string | null;
        /** Present only when CI reported the result with its run id. */
        external_id?: string;
        /** CI's own time for the result, when it sent one. */
        reported_at?: string;
      };
    }
  | { type: "release_cancelled"; data: { cancelled_by: ActorRef; capacity: Capacity; reason: string } }
  | {
      type: "release_reattempted";
      data: {
        decided_by: ActorRef;
        capacity: Capacity;
        reason: string;
        previous_attempt: number;
        attempt: number;
        from: LifecycleState;
      };
    }
  | { type: "release_closed"; data: { closed_by: ActorRef } };

export type LifecycleEventType = LifecycleEvent["type"];
