import { describe, expect, it } from "vitest";
import {
  authorize,
  type Capacity,
  COMMAND_AUTHORITY,
  type CommandKey,
  decide,
  type LifecycleCommand,
} from "../../../src/domain/lifecycle";
import { type ActorName, actors, at, completeSnapshot, context, OWNER, RM } from "./fixtures";

const DECISIONS: CommandKey[] = [
  "transition",
  "go",
  "no_go",
  "halt",
  "resume",
  "stable",
  "unstable",
  "rollback",
  "cancel",
  "reattempt",
];
const REPORTS: CommandKey[] = [
  "deployment_started",
  "deployment_completed",
  "deployment_failed",
  "test_result",
  "rollback_step",
];
const CRON: CommandKey[] = ["window_opened", "window_missed"];

// The matrix written out from the issue, independently of COMMAND_AUTHORITY: who may do what,
// and in which capacity it is recorded. null means refused.
const EXPECTED: Record<
  ActorName,
  { decisions: Capacity | null; reports: Capacity | null; cron: Capacity | null }
> = {
  releaseManager: { decisions: "release_manager", reports: "release_manager", cron: null },
  owner: { decisions: "owner_as_release_manager", reports: "owner_as_release_manager", cron: null },
  otherReleaseManager: { decisions: null, reports: "reporter", cron: null },
  engineer: { decisions: null, reports: "reporter", cron: null },
  viewer: { decisions: null, reports: null, cron: null },
  ci: { decisions: null, reports: "ci", cron: null },
  scheduler: { decisions: null, reports: null, cron: "scheduler" },
};

const team = completeSnapshot().team;

const MATRIX = (Object.keys(EXPECTED) as ActorName[]).flatMap((actor) => [
  ...DECISIONS.map((key) => ({ actor, key, capacity: EXPECTED[actor].decisions })),
  ...REPORTS.map((key) => ({ actor, key, capacity: EXPECTED[actor].reports })),
  ...CRON.map((key) => ({ actor, key, capacity: EXPECTED[actor].cron })),
]);

describe("authority matrix", () => {
  it("covers every command key", () => {
    expect([...DECISIONS, ...REPORTS, ...CRON].sort()).toEqual(Object.keys(COMMAND_AUTHORITY).sort());
  });

  it.each(MATRIX)("$actor issuing $key → $capacity", ({ actor, key, capacity }) => {
    const result = authorize(key, actors[actor], team);
    expect(result.ok ? result.capacity : null).toBe(capacity);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it("lets an owner who is the assigned release manager act as plain release manager", () => {
    const ownTeam = { ...team, release_manager_id: OWNER };
    expect(authorize("go", actors.owner, ownTeam)).toEqual({ ok: true, capacity: "release_manager" });
  });

  it("lets an owner decide for a release with no release manager yet", () => {
    expect(authorize("cancel", actors.owner, { release_manager_id: null, members: [] })).toEqual({
      ok: true,
      capacity: "owner_as_release_manager",
    });
  });

  it("takes decisions away from an assigned release manager demoted to engineer, keeping reports", () => {
    const demoted = { ...actors.releaseManager, role: "engineer" as const };
    expect(authorize("halt", demoted, team).ok).toBe(false);
    expect(authorize("go", demoted, team).ok).toBe(false);
    expect(authorize("test_result", demoted, team)).toEqual({ ok: true, capacity: "reporter" });
  });

  it("never lets a viewer decide, even when assigned as the release manager", () => {
    const viewerTeam = { ...team, release_manager_id: actors.viewer.member_id };
    expect(authorize("go", actors.viewer, viewerTeam).ok).toBe(false);
  });
});

describe("authority through decide", () => {
  const go: LifecycleCommand = { type: "decision", kind: "go_no_go", outcome: "go", rationale: "All green." };
  const ready = at(completeSnapshot(), "pre_deployment_verification", "active");

  it("refuses an engineer's go with 403 semantics before looking at state", () => {
    const outcome = decide(at(completeSnapshot(), "closed", "closed"), go, actors.engineer, context);
    expect(outcome.ok ? null : outcome.error.code).toBe("forbidden");
  });

  it("records an owner's go as made by an owner acting as release manager", () => {
    const outcome = decide(ready, go, actors.owner, context);
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.capacity).toBe("owner_as_release_manager");
    const decision = outcome.events.find((event) => event.type === "go_no_go_decided");
    expect(decision?.data).toMatchObject({
      decided_by: { kind: "member", member_id: OWNER },
      capacity: "owner_as_release_manager",
    });
  });

  it("refuses a release manager who is not this release's manager", () => {
    const outcome = decide(ready, go, actors.otherReleaseManager, context);
    expect(outcome.ok ? null : outcome.error.code).toBe("forbidden");
    expect(decide(ready, go, actors.releaseManager, context).ok).toBe(true);
    expect(ready.team.release_manager_id).toBe(RM);
  });
});
