import { beforeAll, describe, expect, it } from "vitest";
import { EXIT, runCli } from "../../clients/typescript/src/cli/main.ts";
import { verdict } from "../../clients/typescript/src/cli/wait.ts";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { bookWindowNow, createRelease, decide, makeGoReady, planAndVerify } from "../support/releases";
import { BASE_URL, workerFetch } from "./worker-transport";

// `release-pilot` (clients/typescript/src/cli) against the real Worker. Time is the test's: `sleep`
// advances a clock instead of waiting, and a wait's sleeps are where the release manager acts.

let agency: SeededAgency;
let other: SeededAgency;

beforeAll(async () => {
  [agency, other] = await seedTwoAgencies();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  sleeps: number[];
}

async function cli(
  argv: string[],
  options: {
    token?: string | null;
    onSleep?: (n: number) => Promise<void> | void;
    fetch?: (request: Request) => Promise<Response>;
  } = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  let clock = Date.parse("2026-12-02T00:00:00Z");
  const sleeps: number[] = [];
  const env: Record<string, string> = { RELEASE_PILOT_URL: BASE_URL };
  const token = options.token === undefined ? agency.tokens.release_manager : options.token;
  if (token) env.RELEASE_PILOT_TOKEN = token;
  const code = await runCli(argv, {
    env,
    fetch: options.fetch ?? workerFetch,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      await options.onSleep?.(sleeps.length);
    },
  });
  return { code, stdout, stderr, sleeps };
}

describe("release-pilot releases", () => {
  it("creates, lists and shows releases for people and as JSON for scripts", async () => {
    const created = await cli([
      "releases",
      "create",
      "--project",
      agency.projectId,
      "--version",
      "7.1.0",
      "--title",
      "Winter menu",
      "--risk",
      "low",
      "--change",
      "New winter menu page",
      "--change",
      "Gift card banner",
      "--json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const release = JSON.parse(created.stdout);
    expect(release).toMatchObject({ version: "7.1.0", stage: "planning", status: "active" });
    expect(release.change_log.map((c: { summary: string }) => c.summary)).toEqual([
      "New winter menu page",
      "Gift card banner",
    ]);

    const listed = await cli(["releases", "list", "--project", agency.projectId, "--stage", "planning"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split("\n")[0]).toMatch(/^ID\s+VERSION\s+STAGE\s+STATUS/);
    expect(listed.stdout).toContain("7.1.0");
    expect(listed.stdout).toContain("Winter menu");

    const shown = await cli(["releases", "show", release.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/stage\s+planning/);
    expect(shown.stdout).toContain("gates still open in this stage:");
    expect(shown.stdout).toContain("window_confirmed");
  });

  it("explains usage mistakes with exit code 2, before calling the API", async () => {
    const noUrl = await runCli(["releases", "list"], { env: {}, stdout: () => {}, stderr: () => {} });
    expect(noUrl).toBe(EXIT.usage);
    const noToken = await cli(["releases", "list"], { token: null });
    expect(noToken.code).toBe(EXIT.usage);
    expect(noToken.stderr).toContain("RELEASE_PILOT_TOKEN");
    const typo = await cli(["releases", "list", "--projcet", agency.projectId]);
    expect(typo.code).toBe(EXIT.usage);
    expect(typo.stderr).toContain("unknown option --projcet");
    const badRisk = await cli([
      "releases",
      "create",
      "--project",
      "p",
      "--version",
      "1",
      "--title",
      "t",
      "--risk",
      "mid",
    ]);
    expect(badRisk.stderr).toContain('--risk must be one of low, high, not "mid"');
    const nothing = await cli([]);
    expect(nothing.code).toBe(EXIT.usage);
    expect(nothing.stderr).toContain("a command is missing");
    const unknown = await cli(["deploy"]);
    expect(unknown.code).toBe(EXIT.usage);
    const help = await cli(["--help"]);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toContain("Exit codes");
  });

  it("prints the API's refusal with what to fix, exit code 1; JSON gets the problem itself", async () => {
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    const refused = await cli(["decide", "go", id, "--rationale", "Looks good"]);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stderr).toMatch(/^release-pilot: 409 .+ \[gates_unmet\]\n/);
    expect(refused.stderr).toContain("  - staging_tests_passed: ");
    const asJson = await cli(["decide", "go", id, "--rationale", "Looks good", "--json"]);
    expect(asJson.code).toBe(EXIT.refused);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ status: 409 });
  });

  it("security: no token, another agency's release, the wrong role", async () => {
    const theirs = await createRelease(other);
    const foreign = await cli(["releases", "show", theirs]);
    expect(foreign.code).toBe(EXIT.refused);
    expect(foreign.stderr).not.toContain(other.slug);
    const badToken = await cli(["releases", "list"], { token: "not-a-token" });
    expect(badToken.code).toBe(EXIT.refused);
    expect(badToken.stderr).toContain("401");
    const viewer = await cli(["decide", "halt", theirs, "--rationale", "x"], { token: other.tokens.viewer });
    expect(viewer.code).toBe(EXIT.refused);
    expect(viewer.stderr).toMatch(/^release-pilot: 403 /);
  });
});

describe("release-pilot report and decide", () => {
  it("reports a staging run and a deployment, and takes decisions, as the API allows each role", async () => {
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    const staging = await cli(
      [
        "report",
        "test-result",
        id,
        "--stage",
        "staging",
        "--suite",
        "e2e",
        "--status",
        "passed",
        "--url",
        "https://ci.example/runs/9",
      ],
      { token: agency.tokens.engineer },
    );
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.stdout).toContain("Recorded staging e2e: passed");
    const results = await api(`/v1/releases/${id}/test-results`, { token: agency.tokens.viewer });
    expect(results.body.items).toEqual([expect.objectContaining({ suite: "e2e", status: "passed" })]);

    await makeGoReady(agency, id);
    await bookWindowNow(agency, id);
    const go = await cli(["decide", "go", id, "--rationale", "Staging green, checklist done"]);
    expect(go.code, go.stderr).toBe(0);
    expect(go.stdout).toContain("now deployment execution, active");

    const deployed = await cli(
      ["report", "deployment", id, "--status", "completed", "--detail", "Build 512 live"],
      {
        token: agency.tokens.engineer,
      },
    );
    expect(deployed.code, deployed.stderr).toBe(0);
    const after = await api(`/v1/releases/${id}/deployment-log`, { token: agency.tokens.viewer });
    expect(after.body.items.map((e: { kind: string }) => e.kind)).toContain("deployment_completed");

    const halted = await cli(["decide", "halt", id, "--rationale", "Client asked to pause", "--json"]);
    expect(halted.code, halted.stderr).toBe(0);
    expect(JSON.parse(halted.stdout).status).toBe("halted");
  });
});

describe("release-pilot wait", () => {
  async function readyRelease(): Promise<string> {
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    await makeGoReady(agency, id);
    return id;
  }

  it("returns 0 once the go is given (the release scheduled for its window)", async () => {
    const id = await readyRelease();
    const run = await cli(["wait", id, "--for", "go", "--interval", "10s"], {
      onSleep: async (n) => {
        if (n === 2)
          expect(
            (await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" })).status,
          ).toBe(200);
      },
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.sleeps).toEqual([10_000, 10_000]);
    expect(run.stderr).toContain("waiting for go:");
    expect(run.stdout).toContain("go given (pre-deployment verification, scheduled)");
  });

  it("returns 3 on a no-go, though the stage and status did not change", async () => {
    const id = await readyRelease();
    const run = await cli(["wait", id, "--for", "go", "--json"], {
      onSleep: () => recordNoGo(id, "Client not ready"),
    });
    expect(run.code).toBe(EXIT.wentOtherWay);
    expect(JSON.parse(run.stdout)).toMatchObject({ target: "go", outcome: "went_other_way" });
  });

  it("waits for the window to open before a deploy job runs, and times out with 4", async () => {
    const id = await readyRelease();
    expect((await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" })).status).toBe(
      200,
    );
    const early = await cli(["wait", id, "--for", "deployment", "--timeout", "1m", "--interval", "20s"]);
    expect(early.code).toBe(EXIT.timedOut);
    expect(early.sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);

    const opened = await cli(["wait", id, "--for", "deployment"], {
      onSleep: () => bookWindowNowAndOpen(id),
    });
    expect(opened.code, opened.stderr).toBe(EXIT.ok);
    expect(opened.stdout).toContain("the window is open: deploy");
  });

  it("returns 3 when a no-go is recorded while a deploy job waits for its window", async () => {
    const id = await readyRelease();
    const run = await cli(["wait", id, "--for", "deployment", "--json"], {
      onSleep: () => recordNoGo(id, "Client asked to hold"),
    });
    expect(run.code).toBe(EXIT.wentOtherWay);
    expect(JSON.parse(run.stdout)).toMatchObject({
      target: "deployment",
      reason: "a no-go decision was recorded",
    });
    // Progress reaches stderr also with --json (a CI log shows the wait).
    expect(run.stderr).toContain("waiting for deployment:");
  });

  it("keeps waiting through a dropped connection, and still exits 0 when the go comes", async () => {
    const id = await readyRelease();
    let calls = 0;
    // The network between the job and the API drops the third request (a stand-in for the network only).
    const flaky = async (request: Request) => {
      if (++calls === 3) throw new TypeError("fetch failed: connection reset");
      return workerFetch(request);
    };
    const run = await cli(["wait", id, "--for", "go", "--interval", "10s"], {
      fetch: flaky,
      onSleep: async (n) => {
        if (n === 3) await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
      },
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(calls).toBeGreaterThan(3);
  });

  it("returns 3 for closed when the release is cancelled", async () => {
    const id = await createRelease(agency);
    const cancelled = await api(`/v1/releases/${id}/cancel`, {
      token: agency.tokens.release_manager,
      body: { reason: "Client withdrew the campaign" },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    const run = await cli(["wait", id, "--for", "closed"]);
    expect(run.code).toBe(EXIT.wentOtherWay);
    expect(run.stdout).toContain("the release is cancelled");
  });
});

/** A no-go that keeps the release in pre-deployment verification: stage and status do not change. */
async function recordNoGo(id: string, rationale: string) {
  const noGo = await decide(agency, id, {
    kind: "go_no_go",
    outcome: "no_go",
    rationale,
    return_to: "pre_deployment_verification",
  });
  expect(noGo.status, noGo.text).toBe(200);
}

/** A scheduled release moves to deployment when its window opens: halt, rebook now, resume, go again. */
async function bookWindowNowAndOpen(id: string) {
  expect((await decide(agency, id, { kind: "halt", rationale: "Rebooking the window" })).status).toBe(200);
  expect((await decide(agency, id, { kind: "resume", rationale: "Window rebooked" })).status).toBe(200);
  await bookWindowNow(agency, id);
  const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Window open now" });
  expect(go.status, go.text).toBe(200);
}

describe("wait's verdicts", () => {
  const at = (stage: string, status: string) => ({ stage, status }) as Parameters<typeof verdict>[1];
  it.each([
    ["go", "pre_deployment_verification", "scheduled", 0],
    ["go", "deployment_execution", "active", 0],
    ["go", "closed", "closed", 0],
    ["go", "deployment_execution", "halted", null],
    ["go", "deployment_execution", "rolling_back", 3],
    ["deployment", "pre_deployment_verification", "scheduled", null],
    ["deployment", "deployment_execution", "active", 0],
    ["deployment", "deployment_execution", "halted", null],
    ["deployment", "post_deployment_verification", "active", 3],
    ["deployment", "closed", "closed", 3],
    ["closed", "communication_closure", "active", null],
    ["closed", "closed", "closed", 0],
    ["closed", "deployment_execution", "rolled_back", 3],
    ["closed", "planning", "cancelled", 3],
  ] as const)("--for %s in %s, %s → %s", (target, stage, status, code) => {
    const result = verdict(target, at(stage, status));
    expect(result.done ? result.code : null).toBe(code);
  });
});
