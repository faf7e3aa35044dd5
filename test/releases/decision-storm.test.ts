import { beforeAll, describe, expect, it } from "vitest";
import {
  type CommandKey,
  isAllowedMove,
  type LifecycleState,
  TRANSITION_RULES,
} from "../../src/domain/lifecycle";
import { type ApiResponse, api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease, makeGoReady, planAndVerify } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

interface AuditEvent {
  seq: number;
  type: string;
  data: { from?: LifecycleState; to?: LifecycleState; rule?: string };
  before: LifecycleState | null;
  after: LifecycleState | null;
}

async function auditTrail(releaseId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api(
      `/v1/releases/${releaseId}/events?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      {
        token: agency.tokens.viewer,
      },
    );
    events.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return events;
}

const ruleCommand = new Map(TRANSITION_RULES.map((rule) => [rule.id, rule.command as CommandKey]));

/** Replays the state changes: each starts where the last ended and is a move the table allows. */
function replay(events: AuditEvent[], initial: LifecycleState): LifecycleState {
  let state = initial;
  for (const event of events.filter((e) => e.type === "release_state_changed")) {
    const { from, to, rule } = event.data;
    if (!from || !to || !rule) throw new Error(`state change without from/to/rule at seq ${event.seq}`);
    expect({ stage: from.stage, status: from.status }).toEqual(state);
    const command = ruleCommand.get(rule);
    expect(command, `rule ${rule}`).toBeDefined();
    expect(
      isAllowedMove(command as CommandKey, from, to),
      `${rule}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`,
    ).toBe(true);
    state = { stage: to.stage, status: to.status };
  }
  return state;
}

const KINDS = [
  { kind: "go_no_go", outcome: "go" },
  { kind: "go_no_go", outcome: "no_go" },
  { kind: "halt" },
  { kind: "rollback" },
] as const;

describe("a storm of conflicting decisions on one release", () => {
  it("100 concurrent go / no-go / halt / rollback commands: one serial history the rules allow", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    await makeGoReady(agency, releaseId);
    const start = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    // Everything for a go is in place; the window is ahead, so a go schedules the release.
    const unmet = start.body.gates
      .filter((g: { stage: string; ok: boolean }) => g.stage === "pre_deployment_verification" && !g.ok)
      .map((g: { id: string }) => g.id)
      .sort();
    expect(unmet).toEqual(["go_decision", "window_open"]);
    const before = await auditTrail(releaseId);

    const commands = Array.from({ length: 100 }, (_, i) => KINDS[i % KINDS.length]);
    const responses = await Promise.all(
      commands.map((command, i) =>
        api(`/v1/releases/${releaseId}/decisions`, {
          token: agency.tokens.release_manager,
          body: { ...command, rationale: `storm command ${i}` },
        }),
      ),
    );
    for (const res of responses) {
      expect([200, 409], res.text).toContain(res.status);
      if (res.status === 409) expect(res.body.detail).toBeTruthy();
    }
    const accepted = (kind: string, outcome?: string) =>
      responses.filter((res, i) => {
        const command = commands[i] as { kind: string; outcome?: string };
        return res.status === 200 && command.kind === kind && command.outcome === outcome;
      }).length;

    // Halting is exclusive (nothing in the storm resumes), a go can win at most once (a second go,
    // or a go after the halt, is refused), and nothing was deployed, so no rollback can start.
    expect(accepted("halt")).toBe(1);
    expect(accepted("go_no_go", "go")).toBeLessThanOrEqual(1);
    expect(accepted("rollback")).toBe(0);

    const events = (await auditTrail(releaseId)).slice(before.length);
    const decisionEvents = events.filter((e) => e.type === "go_no_go_decided" || e.type === "release_halted");
    expect(decisionEvents).toHaveLength(
      accepted("halt") + accepted("go_no_go", "go") + accepted("go_no_go", "no_go"),
    );
    const final = replay(events, { stage: "pre_deployment_verification", status: "active" });
    const release = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect({ stage: release.body.stage, status: release.body.status }).toEqual(final);
    expect(release.body.status).toBe("halted");
  });

  it("commands on different releases proceed side by side, each applied once", async () => {
    const releases = await Promise.all(Array.from({ length: 6 }, () => createRelease(agency)));
    for (const id of releases) await planAndVerify(agency, id);
    const results = await Promise.all(
      releases.flatMap((id) => [
        api(`/v1/releases/${id}/decisions`, {
          token: agency.tokens.release_manager,
          body: { kind: "halt", rationale: "pause" },
        }),
        api(`/v1/releases/${id}/decisions`, {
          token: agency.tokens.release_manager,
          body: { kind: "halt", rationale: "pause again" },
        }),
      ]),
    );
    const perRelease = releases.map((_, i) => [results[2 * i]?.status, results[2 * i + 1]?.status].sort());
    for (const statuses of perRelease) expect(statuses).toEqual([200, 409]);
  });
});
