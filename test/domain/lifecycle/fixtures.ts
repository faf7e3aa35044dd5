/**
 * Snapshots and actors for the lifecycle tests. `completeSnapshot` satisfies every fact-based gate,
 * so a test that breaks one fact knows exactly which gate it is looking at.
 */

import type {
  Actor,
  LifecycleContext,
  LifecycleEvent,
  ReleaseSnapshot,
  Stage,
  Status,
} from "../../../src/domain/lifecycle";

export const RM = "member-release-manager";
export const OTHER_RM = "member-other-release-manager";
export const OWNER = "member-owner";
export const ENGINEER = "member-engineer";
export const TESTER = "member-tester";
export const APPROVER = "member-approver";
export const VIEWER = "member-viewer";

export const actors = {
  releaseManager: { kind: "member", member_id: RM, role: "release_manager" },
  /** A release manager by tenant role who is not this release's manager. */
  otherReleaseManager: { kind: "member", member_id: OTHER_RM, role: "release_manager" },
  owner: { kind: "member", member_id: OWNER, role: "owner" },
  engineer: { kind: "member", member_id: ENGINEER, role: "engineer" },
  viewer: { kind: "member", member_id: VIEWER, role: "viewer" },
  scheduler: { kind: "system", name: "scheduler" },
  ci: { kind: "system", name: "ci" },
} satisfies Record<string, Actor>;

export type ActorName = keyof typeof actors;

export const context: LifecycleContext = { policy: { second_approver_for_high_risk: true } };
export const lenientContext: LifecycleContext = { policy: { second_approver_for_high_risk: false } };

export const NOW = "2026-03-14T11:00:00Z";

export function completeSnapshot(stage: Stage = "planning", status: Status = "active"): ReleaseSnapshot {
  return {
    release: {
      id: "release-1",
      version: "2.3.0",
      title: "Autumn campaign landing pages",
      git_ref: "refs/tags/v2.3.0",
      commit_sha: "0123456789abcdef0123456789abcdef01234567",
      stage,
      status,
      risk: "low",
      attempt: 1,
      compliance: {
        touches_pricing_promotions_or_claims: false,
        touches_personal_data: false,
        sends_commercial_email: false,
      },
      scope: "New landing pages for the autumn campaign.",
      change_log: [{ summary: "Add /autumn landing page", kind: "feature", reference: "PR-42" }],
    },
    window: {
      starts_at: "2026-03-14T10:00:00Z",
      ends_at: "2026-03-14T14:00:00Z",
      confirmed: true,
      policy_ok: true,
    },
    window_open_now: true,
    now: NOW,
    team: {
      release_manager_id: RM,
      members: [
        { member_id: RM, name: "Riley Manager", role: "release_manager" },
        { member_id: ENGINEER, name: "Eden Engineer", role: "engineer" },
        { member_id: TESTER, name: "Tash Tester", role: "tester" },
        { member_id: APPROVER, name: "Alex Approver", role: "approver" },
      ],
    },
    checklist: [
      {
        id: "item-1",
        key: "backup_verified",
        title: "A production backup is taken and known to restore",
        stage: "pre_deployment_verification",
        required: true,
        category: "general",
        status: "done",
        completed_by: ENGINEER,
        completed_at: "2026-03-14T09:00:00Z",
        evidence_url: null,
      },
    ],
    test_plan: [
      { stage: "staging", suite: "e2e", description: "Playwright journeys" },
      { stage: "smoke", suite: "smoke", description: null },
      { stage: "verification", suite: "synthetic", description: null },
      { stage: "uat", suite: "client-uat", description: "Client walk-through" },
    ],
    test_results: [
      { stage: "staging", suite: "e2e", status: "passed", at: "2026-03-14T08:00:00Z" },
      { stage: "smoke", suite: "smoke", status: "passed", at: "2026-03-14T10:30:00Z" },
      { stage: "verification", suite: "synthetic", status: "passed", at: "2026-03-14T10:45:00Z" },
      { stage: "uat", suite: "client-uat", status: "passed", at: "2026-03-14T10:50:00Z" },
    ],
    deployment: { started: true, completed: true, failed: false },
    monitoring: { confirmed_by: ENGINEER, confirmed_at: "2026-03-14T10:55:00Z" },
    issues: [],
    sign_offs: [{ signer_id: APPROVER, decision: "approved", at: "2026-03-14T09:30:00Z" }],
    rollback_procedure: [
      { position: 1, title: "Re-point the CDN to the previous build", details: null },
      { position: 2, title: "Purge the CDN cache", details: "All zones" },
    ],
    rollback_steps: [],
    release_notes: { published: true },
    notifications: { prepared: true, pending: 0, sent: 3, skipped: 1, failed: 0, cancelled: 0, open_ids: [] },
    investigation: { status: "closed", corrective_actions: [{ id: "action-1", status: "closed" }] },
  };
}

/** A new release as created: nothing planned yet. */
export function emptySnapshot(): ReleaseSnapshot {
  const snapshot = completeSnapshot();
  return {
    ...snapshot,
    release: { ...snapshot.release, scope: "", change_log: [] },
    window: null,
    window_open_now: false,
    team: { release_manager_id: null, members: [] },
    checklist: [],
    test_plan: [],
    test_results: [],
    deployment: { started: false, completed: false, failed: false },
    monitoring: null,
    sign_offs: [],
    rollback_procedure: [],
    release_notes: { published: false },
    notifications: {
      prepared: false,
      pending: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      cancelled: 0,
      open_ids: [],
    },
    investigation: null,
  };
}

export function at(snapshot: ReleaseSnapshot, stage: Stage, status: Status): ReleaseSnapshot {
  return { ...snapshot, release: { ...snapshot.release, stage, status } };
}

/** A copy to mutate freely in a test. */
export function clone(snapshot: ReleaseSnapshot): ReleaseSnapshot {
  return structuredClone(snapshot);
}

export function eventTypes(events: readonly LifecycleEvent[]): string[] {
  return events.map((event) => event.type);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The item at `index`, failing the test loudly when it is missing (instead of a non-null assertion). */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index}`);
  return item;
}
