import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease, decide, makeGoReady, planAndVerify } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

async function tick(at: Date) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env);
}

async function scheduledRelease(): Promise<{ id: string; startsAt: Date; endsAt: Date }> {
  const id = await createRelease(agency);
  await planAndVerify(agency, id);
  await makeGoReady(agency, id);
  const go = await decide(agency, id, {
    kind: "go_no_go",
    outcome: "go",
    rationale: "All green; deploy in the window",
  });
  expect(go.status, go.text).toBe(200);
  expect(go.body.status).toBe("scheduled");
  return { id, startsAt: new Date(go.body.window.starts_at), endsAt: new Date(go.body.window.ends_at) };
}

const releaseOf = async (id: string) =>
  (await api(`/v1/releases/${id}`, { token: agency.tokens.viewer })).body;

describe("cron: scheduled releases start when their window opens", () => {
  it("a go given outside the window waits, then the tick at the window's start moves it to deployment", async () => {
    const release = await scheduledRelease();
    await tick(new Date(release.startsAt.getTime() - 60_000)); // a minute early: nothing happens
    expect((await releaseOf(release.id)).status).toBe("scheduled");

    await tick(new Date(release.startsAt.getTime() + 30_000));
    const started = await releaseOf(release.id);
    expect({ stage: started.stage, status: started.status }).toEqual({
      stage: "deployment_execution",
      status: "active",
    });

    await tick(new Date(release.startsAt.getTime() + 30_000)); // the same tick again changes nothing
    expect((await releaseOf(release.id)).row_version).toBe(started.row_version);

    const events = await api(`/v1/releases/${release.id}/events?limit=200`, { token: agency.tokens.viewer });
    const moved = events.body.items.filter(
      (e: { type: string; actor: { kind: string; name?: string } }) =>
        e.type === "release_state_changed" && e.actor.kind === "system",
    );
    expect(moved).toHaveLength(1);
    expect(moved[0].actor).toEqual({ kind: "system", name: "scheduler" });
  });

  it("a tick that comes only after the window closed withdraws the go instead of deploying late", async () => {
    const release = await scheduledRelease();
    await tick(new Date(release.endsAt.getTime() + 5 * 60_000));
    const after = await releaseOf(release.id);
    expect({ stage: after.stage, status: after.status }).toEqual({
      stage: "pre_deployment_verification",
      status: "active",
    });
    const events = await api(`/v1/releases/${release.id}/events?limit=200`, { token: agency.tokens.viewer });
    expect(events.body.items.map((e: { type: string }) => e.type)).toContain("go_withdrawn");
  });
});
