import { beforeAll, describe, expect, it } from "vitest";
import actionYaml from "../../clients/github-action/action.yml?raw";
import { actionArgv, inputVariable, runAction } from "../../clients/typescript/src/action.ts";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { bookWindowNow, createRelease, decide, makeGoReady, planAndVerify } from "../support/releases";
import { BASE_URL, workerFetch } from "./worker-transport";

// The GitHub Action (clients/github-action/action.yml): its composite step passes each input as an
// INPUT_* variable to the entry point (clients/typescript/src/action.ts), run here against the real Worker.

let agency: SeededAgency;

beforeAll(async () => {
  agency = await seedAgency();
});

/** `inputs:` names of action.yml, and the env block's `INPUT_X: ${{ inputs.x }}` pairs. */
function declared() {
  const inputsBlock = actionYaml.split(/^outputs:/m)[0]?.split(/^inputs:/m)[1] ?? "";
  const inputs = [...inputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1] as string);
  const passed = [...actionYaml.matchAll(/^ {8}([A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map((m) => ({
    variable: m[1] as string,
    input: m[2] as string,
  }));
  return { inputs, passed };
}

async function run(inputs: Record<string, string>, token = agency.tokens.engineer) {
  const env: Record<string, string> = { RELEASE_PILOT_URL: BASE_URL, RELEASE_PILOT_TOKEN: token };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  let stdout = "";
  let stderr = "";
  const outputs: Record<string, string> = {};
  let clock = 0;
  const code = await runAction({
    env,
    fetch: workerFetch,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    setOutput: (name, value) => (outputs[name] = value),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return { code, stdout, stderr, outputs };
}

describe("GitHub Action", () => {
  it("passes every input it declares to the entry point, under the name the entry point reads", () => {
    const { inputs, passed } = declared();
    const viaEnv = passed.filter((p) => p.variable.startsWith("INPUT_"));
    expect(inputs).toEqual(expect.arrayContaining(["command", "release-id", "url", "token"]));
    for (const input of inputs.filter((name) => name !== "url" && name !== "token"))
      expect(viaEnv).toContainEqual({ variable: inputVariable(input), input });
    expect(passed).toContainEqual({ variable: "RELEASE_PILOT_URL", input: "url" });
    expect(passed).toContainEqual({ variable: "RELEASE_PILOT_TOKEN", input: "token" });
    // Every input the entry point reads is declared.
    const read = actionArgv({
      INPUT_COMMAND: "report-test-result",
      INPUT_RELEASE_ID: "r",
      INPUT_STAGE: "smoke",
      INPUT_SUITE: "s",
      INPUT_STATUS: "passed",
      INPUT_RESULT_URL: "https://ci.example/1",
    });
    expect(read).toEqual([
      "report",
      "test-result",
      "r",
      "--stage=smoke",
      "--suite=s",
      "--status=passed",
      "--url=https://ci.example/1",
    ]);
  });

  it("reports a job's test result and sets the release's stage and status as outputs", async () => {
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    const result = await run({
      command: "report-test-result",
      "release-id": id,
      stage: "staging",
      suite: "playwright",
      status: "failed",
      "result-url": "https://github.com/agency/harbour-cafe-site/actions/runs/77",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ stage: "pre_deployment_verification", status: "active" });
    const stored = await api(`/v1/releases/${id}/test-results`, { token: agency.tokens.viewer });
    expect(stored.body.items).toEqual([expect.objectContaining({ suite: "playwright", status: "failed" })]);
  });

  it("gates a deploy job: waits until the go is given and the window is open, then reports the deployment", async () => {
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    await makeGoReady(agency, id);
    await bookWindowNow(agency, id);
    expect((await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" })).status).toBe(
      200,
    );

    const gate = await run({
      command: "wait",
      "release-id": id,
      "wait-for": "deployment",
      timeout: "5m",
      interval: "15s",
    });
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.outputs).toMatchObject({
      outcome: "reached",
      stage: "deployment_execution",
      status: "active",
    });

    const deployed = await run({
      command: "report-deployment",
      "release-id": id,
      status: "completed",
      detail: "--prod build 88", // an input that looks like a flag stays a value
    });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.outputs).toMatchObject({ stage: "deployment_execution", status: "active" });
    const log = await api(`/v1/releases/${id}/deployment-log`, { token: agency.tokens.viewer });
    expect(log.body.items).toContainEqual(
      expect.objectContaining({ kind: "deployment_completed", detail: "--prod build 88" }),
    );
  });

  it("fails the step with an annotation when the gate does not open, or the input is wrong", async () => {
    const id = await createRelease(agency);
    const timedOut = await run({
      command: "wait",
      "release-id": id,
      "wait-for": "go",
      timeout: "1m",
      interval: "30s",
    });
    expect(timedOut.code).toBe(4);
    expect(timedOut.outputs.outcome).toBe("timed_out");
    expect(timedOut.stdout).toContain("::error title=Release Pilot::");

    const refused = await run(
      { command: "report-deployment", "release-id": id, status: "completed" },
      agency.tokens.viewer,
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^::error title=Release Pilot::[^\r\n]+\n$/);

    const wrong = await run({ command: "deploy", "release-id": id });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain("command must be one of report-test-result, report-deployment, wait");
  });
});
