import { describe, expect, it } from "vitest";
import {
  evaluateGate,
  evaluateGates,
  GATE_IDS,
  GATES,
  type GateId,
  type GateInput,
  type LifecycleContext,
  type ReleaseSnapshot,
} from "../../../src/domain/lifecycle";
import {
  APPROVER,
  at,
  clone,
  completeSnapshot,
  context,
  ENGINEER,
  lenientContext,
  nth,
  RM,
} from "./fixtures";

interface GateCase {
  id: GateId;
  passing: () => ReleaseSnapshot;
  failing: () => ReleaseSnapshot;
  context?: LifecycleContext;
  /** A phrase the unmet sentence must contain, so the person knows what to fix. */
  says: string;
}

function changed(
  mutate: (snapshot: ReleaseSnapshot) => void,
  base = completeSnapshot(),
): () => ReleaseSnapshot {
  return () => {
    const snapshot = clone(base);
    mutate(snapshot);
    return snapshot;
  };
}

const complete = () => completeSnapshot();
const CLIENT = "c1a2b3c4-0000-4000-8000-00000000c11e";
const highRisk = changed((s) => {
  s.release.risk = "high";
});

const GATE_CASES: GateCase[] = [
  {
    id: "scope_present",
    passing: complete,
    failing: changed((s) => {
      s.release.scope = "  ";
    }),
    says: "no scope",
  },
  {
    id: "change_log_present",
    passing: complete,
    failing: changed((s) => {
      s.release.change_log = [];
    }),
    says: "change log is empty",
  },
  {
    id: "release_manager_assigned",
    passing: complete,
    failing: changed((s) => {
      s.team.release_manager_id = null;
    }),
    says: "No release manager",
  },
  {
    id: "engineer_assigned",
    passing: complete,
    failing: changed((s) => {
      s.team.members = s.team.members.filter((m) => m.role !== "engineer");
    }),
    says: "No engineer",
  },
  {
    id: "window_confirmed",
    passing: complete,
    failing: changed((s) => {
      if (s.window) s.window.confirmed = false;
    }),
    says: "not confirmed",
  },
  {
    id: "window_allowed_by_policy",
    passing: complete,
    failing: changed((s) => {
      if (s.window) {
        s.window.policy_ok = false;
        s.window.policy_detail = "high-risk releases deploy only in maintenance windows";
      }
    }),
    says: "maintenance windows",
  },
  {
    id: "planning_checklist_complete",
    passing: complete,
    failing: changed((s) => {
      s.checklist.push({
        ...nth(s.checklist, 0),
        id: "p1",
        key: "brief",
        title: "Client brief agreed",
        stage: "planning",
        status: "open",
      });
    }),
    says: "'Client brief agreed'",
  },
  {
    id: "staging_tests_passed",
    passing: complete,
    failing: changed((s) => {
      s.test_results.push({ stage: "staging", suite: "e2e", status: "failed", at: "2026-03-14T09:00:00Z" });
    }),
    says: "failed: 'e2e'",
  },
  {
    id: "checklist_complete",
    passing: complete,
    failing: changed((s) => {
      nth(s.checklist, 0).status = "open";
    }),
    says: "1 required pre-deployment verification checklist item(s) still open",
  },
  {
    id: "compliance_signed_off",
    passing: complete,
    failing: changed((s) => {
      s.release.compliance.touches_pricing_promotions_or_claims = true;
    }),
    says: "no Australian Consumer Law checklist items exist",
  },
  {
    id: "stakeholders_signed_off",
    passing: highRisk,
    failing: changed((s) => {
      s.release.risk = "high";
      s.sign_offs = [];
    }),
    says: "1 approver(s) have not signed off",
  },
  {
    id: "second_approver_signed_off",
    passing: highRisk,
    failing: changed((s) => {
      s.release.risk = "high";
      // The release manager is the only approver: approving their own go is self-approval.
      s.team.members = s.team.members.map((m) => (m.member_id === APPROVER ? { ...m, member_id: RM } : m));
      s.sign_offs = [{ signer_id: RM, decision: "approved", at: "2026-03-14T09:30:00Z" }];
    }),
    says: "other than the person deciding go",
  },
  {
    id: "client_signed_off",
    passing: changed((s) => {
      s.release.risk = "high";
      s.sign_offs.push(
        { signer_kind: "contact", signer_id: CLIENT, decision: "rejected", at: "2026-03-14T09:00:00Z" },
        // A later answer by the same contact replaces their request for changes.
        { signer_kind: "contact", signer_id: CLIENT, decision: "approved", at: "2026-03-14T10:00:00Z" },
      );
    }),
    failing: changed((s) => {
      s.sign_offs.push({
        signer_kind: "contact",
        signer_id: CLIENT,
        decision: "rejected",
        at: "2026-03-14T09:00:00Z",
      });
    }),
    says: "1 client contact(s) asked for changes",
  },
  {
    id: "rollback_procedure_present",
    passing: complete,
    failing: changed((s) => {
      s.rollback_procedure = [];
    }),
    says: "no rollback procedure",
  },
  {
    id: "go_decision",
    passing: () => at(completeSnapshot(), "pre_deployment_verification", "scheduled"),
    failing: () => at(completeSnapshot(), "pre_deployment_verification", "active"),
    says: "No go decision",
  },
  {
    id: "window_open",
    passing: complete,
    failing: changed((s) => {
      s.window_open_now = false;
    }),
    says: "not open now",
  },
  {
    id: "no_pending_rollback_decision",
    passing: complete,
    failing: changed((s) => {
      s.release.stage = "deployment_execution";
      s.release.status = "active";
      s.deployment.failed = true;
    }),
    says: "A rollback decision is pending: the deployment failed",
  },
  {
    id: "deployment_completed",
    passing: complete,
    failing: changed((s) => {
      s.deployment.completed = false;
    }),
    says: "not record the deployment as complete",
  },
  {
    id: "smoke_test_passed",
    passing: complete,
    failing: changed((s) => {
      s.test_results.push({ stage: "smoke", suite: "smoke", status: "running", at: "2026-03-14T10:40:00Z" });
    }),
    says: "still running: 'smoke'",
  },
  {
    id: "execution_checklist_complete",
    passing: complete,
    failing: changed((s) => {
      s.checklist.push({
        ...nth(s.checklist, 0),
        id: "e1",
        key: "cache",
        title: "Cache purged",
        stage: "deployment_execution",
        status: "open",
      });
    }),
    says: "'Cache purged'",
  },
  {
    id: "verification_tests_passed",
    passing: complete,
    failing: changed((s) => {
      s.test_results = s.test_results.filter((r) => r.stage !== "verification");
    }),
    says: "planned but not passed yet: 'synthetic'",
  },
  {
    id: "uat_passed",
    passing: complete,
    failing: changed((s) => {
      s.test_results.push({
        stage: "uat",
        suite: "client-uat",
        status: "failed",
        at: "2026-03-14T10:59:00Z",
      });
    }),
    says: "user acceptance",
  },
  {
    id: "monitoring_confirmed",
    passing: complete,
    failing: changed((s) => {
      s.monitoring = null;
    }),
    says: "Nobody has confirmed",
  },
  {
    id: "no_open_blocking_issues",
    passing: changed((s) => {
      s.issues = [{ id: "i1", severity: "medium", status: "open", description: "Typo", link: null }];
    }),
    failing: changed((s) => {
      s.issues = [{ id: "i1", severity: "high", status: "open", description: "Checkout 500s", link: null }];
    }),
    says: "1 critical or high issue report(s) are open",
  },
  {
    id: "post_deployment_checklist_complete",
    passing: complete,
    failing: changed((s) => {
      s.checklist.push({
        ...nth(s.checklist, 0),
        id: "v1",
        key: "seo",
        title: "Sitemap resubmitted",
        stage: "post_deployment_verification",
        status: "open",
      });
    }),
    says: "'Sitemap resubmitted'",
  },
  {
    id: "stable_decision",
    passing: () => at(completeSnapshot(), "communication_closure", "active"),
    failing: () => at(completeSnapshot(), "post_deployment_verification", "active"),
    says: "No stability decision",
  },
  {
    id: "release_notes_published",
    passing: complete,
    failing: changed((s) => {
      s.release_notes.published = false;
    }),
    says: "not published",
  },
  {
    id: "notifications_settled",
    passing: complete,
    failing: changed((s) => {
      s.notifications.pending = 2;
    }),
    says: "2 stakeholder notification(s) are not settled yet",
  },
  {
    id: "closure_checklist_complete",
    passing: complete,
    failing: changed((s) => {
      s.checklist.push({
        ...nth(s.checklist, 0),
        id: "c1",
        key: "handover",
        title: "Client handover sent",
        stage: "communication_closure",
        status: "open",
      });
    }),
    says: "'Client handover sent'",
  },
  {
    id: "investigation_closed",
    passing: complete,
    failing: changed((s) => {
      if (s.investigation) s.investigation.status = "open";
    }),
    says: "still open",
  },
  {
    id: "corrective_actions_closed",
    passing: complete,
    failing: changed((s) => {
      s.investigation = { status: "closed", corrective_actions: [{ id: "a", status: "open" }] };
    }),
    says: "1 corrective action(s) are still open",
  },
];

function inputFor(snapshot: ReleaseSnapshot, gateContext: LifecycleContext = context): GateInput {
  return { snapshot, context: gateContext, decider_id: snapshot.team.release_manager_id };
}

describe("gate table", () => {
  it("defines every gate id exactly once, and every gate has a case here", () => {
    expect(GATES.map((gate) => gate.id)).toEqual([...GATE_IDS]);
    expect(GATE_CASES.map((c) => c.id).sort()).toEqual([...GATE_IDS].sort());
  });

  it.each(GATE_CASES)("$id holds when its facts are there", ({ id, passing, context: gateContext }) => {
    const report = evaluateGate(id, inputFor(passing(), gateContext));
    expect(report).toMatchObject({ id, ok: true });
    expect(report.detail.length).toBeGreaterThan(10);
  });

  it.each(GATE_CASES)("$id fails and says what is missing", ({ id, failing, says, context: gateContext }) => {
    const report = evaluateGate(id, inputFor(failing(), gateContext));
    expect(report.ok).toBe(false);
    expect(report.detail).toContain(says);
  });
});

describe("gate details", () => {
  const evaluate = (id: GateId, snapshot: ReleaseSnapshot, gateContext = context) =>
    evaluateGate(id, inputFor(snapshot, gateContext));

  it("counts only the latest result of a re-run suite", () => {
    const snapshot = completeSnapshot();
    snapshot.test_results = [
      { stage: "staging", suite: "e2e", status: "failed", at: "2026-03-14T07:00:00Z" },
      { stage: "staging", suite: "e2e", status: "passed", at: "2026-03-14T08:00:00Z" },
    ];
    expect(evaluate("staging_tests_passed", snapshot).ok).toBe(true);
    snapshot.test_results.reverse();
    expect(evaluate("staging_tests_passed", snapshot).ok).toBe(true);
  });

  it.each([
    ["no result at all", [], false],
    ["a planned suite skipped", [{ suite: "e2e", status: "skipped" }], false],
    [
      "an unplanned suite skipped",
      [
        { suite: "e2e", status: "passed" },
        { suite: "visual", status: "skipped" },
      ],
      true,
    ],
    [
      "an unplanned suite running",
      [
        { suite: "e2e", status: "passed" },
        { suite: "visual", status: "running" },
      ],
      false,
    ],
    [
      "an unplanned suite failed",
      [
        { suite: "e2e", status: "passed" },
        { suite: "visual", status: "failed" },
      ],
      false,
    ],
  ] as const)("staging with %s: ok=%s", (_name, results, ok) => {
    const snapshot = completeSnapshot();
    snapshot.test_results = results.map((r) => ({ stage: "staging", ...r, at: "2026-03-14T08:00:00Z" }));
    expect(evaluate("staging_tests_passed", snapshot).ok).toBe(ok);
  });

  it("needs at least one passing suite even without a test plan", () => {
    const snapshot = completeSnapshot();
    snapshot.test_plan = [];
    snapshot.test_results = [{ stage: "staging", suite: "lint", status: "skipped", at: NOW_ISO }];
    expect(evaluate("staging_tests_passed", snapshot)).toMatchObject({
      ok: false,
      detail: expect.stringContaining("No staging test has passed"),
    });
  });

  it("requires a named sign-off on every compliance item the flags call for, and n/a counts", () => {
    const snapshot = completeSnapshot();
    snapshot.release.compliance.touches_pricing_promotions_or_claims = true;
    const acl = { ...nth(snapshot.checklist, 0), category: "acl" as const };
    snapshot.checklist = [
      {
        ...acl,
        id: "a1",
        key: "acl_single_price",
        title: "Single price",
        status: "done",
        completed_by: ENGINEER,
      },
      {
        ...acl,
        id: "a2",
        key: "acl_promotion_terms_shown",
        title: "Promotion terms",
        status: "n_a",
        completed_by: ENGINEER,
      },
    ];
    expect(evaluate("compliance_signed_off", snapshot).ok).toBe(true);
    nth(snapshot.checklist, 1).completed_by = null;
    expect(evaluate("compliance_signed_off", snapshot).detail).toContain("'Promotion terms'");
    nth(snapshot.checklist, 1).completed_by = ENGINEER;
    snapshot.release.compliance.sends_commercial_email = true;
    expect(evaluate("compliance_signed_off", snapshot).detail).toContain("no Spam Act checklist items exist");
  });

  it("lets a later approval replace a rejection, and a rejection block even a low-risk release", () => {
    const snapshot = completeSnapshot();
    snapshot.sign_offs = [{ signer_id: APPROVER, decision: "rejected", at: "2026-03-14T09:00:00Z" }];
    expect(evaluate("stakeholders_signed_off", snapshot).detail).toContain("1 approver(s) rejected");
    snapshot.sign_offs.push({ signer_id: APPROVER, decision: "approved", at: "2026-03-14T09:10:00Z" });
    expect(evaluate("stakeholders_signed_off", snapshot).ok).toBe(true);
  });

  it("asks a high-risk release for at least one approver", () => {
    const snapshot = completeSnapshot();
    snapshot.release.risk = "high";
    snapshot.team.members = snapshot.team.members.filter((m) => m.role !== "approver");
    expect(evaluate("stakeholders_signed_off", snapshot).detail).toContain("at least one approver");
  });

  it("asks for no second approver when the agency's policy does not, or the release is low-risk", () => {
    const selfApproved = completeSnapshot();
    selfApproved.release.risk = "high";
    selfApproved.sign_offs = [{ signer_id: RM, decision: "approved", at: "2026-03-14T09:00:00Z" }];
    selfApproved.team.members.push({ member_id: RM, name: "Riley Manager", role: "approver" });
    expect(evaluate("second_approver_signed_off", selfApproved, context).ok).toBe(false);
    expect(evaluate("second_approver_signed_off", selfApproved, lenientContext).ok).toBe(true);
    selfApproved.release.risk = "low";
    expect(evaluate("second_approver_signed_off", selfApproved, context).ok).toBe(true);
  });

  it("needs a client contact's approval on high-risk releases only when the agency asks for it", () => {
    const snapshot = completeSnapshot();
    snapshot.release.risk = "high";
    const asks = { policy: { ...context.policy, client_sign_off_for_high_risk: true } };
    expect(evaluate("client_signed_off", snapshot, context).ok).toBe(true);
    const unmet = evaluate("client_signed_off", snapshot, asks);
    expect(unmet.ok).toBe(false);
    expect(unmet.detail).toContain("requires the client's sign-off");
    // A contact's approval (their id never counts as a member approver's) satisfies the policy.
    snapshot.sign_offs.push({
      signer_kind: "contact",
      signer_id: APPROVER,
      decision: "approved",
      at: "2026-03-14T09:00:00Z",
    });
    expect(evaluate("client_signed_off", snapshot, asks).ok).toBe(true);
    snapshot.release.risk = "low";
    expect(evaluate("client_signed_off", completeSnapshot(), asks).ok).toBe(true);
  });

  it("does not count a sign-off by someone who is not an approver on the team", () => {
    const snapshot = completeSnapshot();
    snapshot.release.risk = "high";
    snapshot.sign_offs = [{ signer_id: ENGINEER, decision: "approved", at: "2026-03-14T09:00:00Z" }];
    expect(evaluate("second_approver_signed_off", snapshot).ok).toBe(false);
  });

  it("needs the pre-deployment checklist to exist, but not the other stages' checklists", () => {
    const snapshot = completeSnapshot();
    snapshot.checklist = [];
    expect(evaluate("checklist_complete", snapshot).detail).toContain(
      "No pre-deployment verification checklist",
    );
    expect(evaluate("execution_checklist_complete", snapshot).ok).toBe(true);
  });

  it("needs prepared notifications, not merely none pending", () => {
    const snapshot = completeSnapshot();
    snapshot.notifications = {
      prepared: false,
      pending: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      cancelled: 0,
      open_ids: [],
    };
    expect(evaluate("notifications_settled", snapshot).detail).toContain("not been prepared");
  });

  it("counts failed and cancelled messages as settled, and names the open ones and how to cancel them", () => {
    const snapshot = completeSnapshot();
    snapshot.notifications = {
      prepared: true,
      pending: 0,
      sent: 1,
      skipped: 0,
      failed: 2,
      cancelled: 3,
      open_ids: [],
    };
    const settled = evaluate("notifications_settled", snapshot);
    expect(settled.ok).toBe(true);
    expect(settled.detail).toContain("2 failed, 3 cancelled");
    snapshot.notifications = { ...snapshot.notifications, pending: 2, open_ids: ["message-1", "message-2"] };
    const open = evaluate("notifications_settled", snapshot);
    expect(open.ok).toBe(false);
    expect(open.detail).toContain("message-1, message-2");
    expect(open.detail).toContain("POST /v1/releases/{id}/notifications/cancel");
  });

  it("needs at least one corrective action", () => {
    const snapshot = completeSnapshot();
    snapshot.investigation = { status: "closed", corrective_actions: [] };
    expect(evaluate("corrective_actions_closed", snapshot).ok).toBe(false);
  });
});

const NOW_ISO = "2026-03-14T08:00:00Z";

describe("evaluateGates (GET /releases/{id})", () => {
  it("reports every stage gate with id, stage, ok and a sentence", () => {
    const reports = evaluateGates(completeSnapshot(), context);
    expect(reports.map((r) => r.id)).toEqual(GATES.filter((g) => g.stage !== "reattempt").map((g) => g.id));
    for (const report of reports) {
      expect(Object.keys(report).sort()).toEqual(["detail", "id", "ok", "stage"]);
      expect(report.detail).toMatch(/[.!]$/);
    }
  });

  it("adds the re-attempt gates while a release waits for a re-attempt", () => {
    const rolledBack = at(completeSnapshot(), "deployment_execution", "rolled_back");
    const ids = evaluateGates(rolledBack, context).map((r) => r.id);
    expect(ids).toContain("investigation_closed");
    expect(ids).toContain("corrective_actions_closed");
  });

  it("reports a new release's planning gates as unmet", () => {
    const snapshot = completeSnapshot();
    snapshot.release.scope = "";
    const scope = evaluateGates(snapshot, context).find((r) => r.id === "scope_present");
    expect(scope).toEqual({
      id: "scope_present",
      stage: "planning",
      ok: false,
      detail: "The release has no scope; describe what it changes.",
    });
  });
});
