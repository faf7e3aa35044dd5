import { describe, expect, it } from "vitest";
import { normaliseCiEvent, type StageMap } from "../../../src/domain/ci-events";
import {
  GITHUB_SHA,
  githubCheckSuiteCompleted,
  githubDeploymentStatusSuccess,
  githubWorkflowRunCompleted,
} from "../../fixtures/ci/github-payloads";

const stageMap: StageMap = {
  "Smoke tests": "smoke",
  "Deploy production": "deployment",
  production: "deployment",
};

function workflowRun(overrides: Record<string, unknown>) {
  const payload = structuredClone(githubWorkflowRunCompleted);
  Object.assign(payload.workflow_run, overrides);
  return payload;
}

describe("GitHub workflow_run", () => {
  it("maps a completed successful run of a mapped workflow to a passed test result", () => {
    expect(normaliseCiEvent("github", "workflow_run", githubWorkflowRunCompleted, stageMap)).toEqual({
      kind: "test_result",
      stage: "smoke",
      suite: "Smoke tests",
      status: "passed",
      external_id: "workflow_run:30433642",
      repository: "harbourdigital/client-site",
      sha: GITHUB_SHA,
      ref: "main",
      ref_type: null,
      url: "https://github.com/HarbourDigital/Client-Site/actions/runs/30433642",
      provider_status: "success",
      attempt: 1,
      reported_at: "2026-03-02T04:09:41.000Z",
    });
  });

  it.each([
    ["queued", null, "running"],
    ["requested", null, "running"],
    ["in_progress", null, "running"],
    ["waiting", null, "running"],
    ["completed", "success", "passed"],
    ["completed", "failure", "failed"],
    ["completed", "timed_out", "failed"],
    ["completed", "startup_failure", "failed"],
    ["completed", "cancelled", "skipped"],
    ["completed", "skipped", "skipped"],
    ["completed", "neutral", "skipped"],
    ["completed", "stale", "skipped"],
    ["completed", "action_required", "running"],
  ])("status %s / conclusion %s → test status %s", (status, conclusion, expected) => {
    const result = normaliseCiEvent("github", "workflow_run", workflowRun({ status, conclusion }), stageMap);
    expect(result).toMatchObject({ kind: "test_result", status: expected });
  });

  it.each([
    ["queued", null, "started"],
    ["in_progress", null, "started"],
    ["completed", "success", "succeeded"],
    ["completed", "failure", "failed"],
    ["completed", "cancelled", "failed"],
    ["completed", "timed_out", "failed"],
  ])("a workflow mapped to deployment: %s / %s → phase %s", (status, conclusion, phase) => {
    const payload = workflowRun({ name: "Deploy production", status, conclusion });
    expect(normaliseCiEvent("github", "workflow_run", payload, stageMap)).toMatchObject({
      kind: "deployment",
      phase,
      environment: null,
    });
  });

  it.each(["skipped", "neutral", "action_required"])(
    "a deployment workflow concluding %s is ignored",
    (conclusion) => {
      const payload = workflowRun({ name: "Deploy production", status: "completed", conclusion });
      expect(normaliseCiEvent("github", "workflow_run", payload, stageMap)).toMatchObject({
        kind: "ignored",
      });
    },
  );

  it("ignores a workflow that is not in stage_map, naming it", () => {
    const result = normaliseCiEvent(
      "github",
      "workflow_run",
      workflowRun({ name: "Lint", path: ".github/workflows/lint.yml" }),
      stageMap,
    );
    expect(result).toEqual({
      kind: "ignored",
      reason: 'workflow "Lint" or ".github/workflows/lint.yml" is not in stage_map',
    });
  });

  it("also finds a workflow by its file path, and by name case-insensitively", () => {
    const byPath = normaliseCiEvent("github", "workflow_run", githubWorkflowRunCompleted, {
      ".github/workflows/smoke.yml": "verification",
    });
    expect(byPath).toMatchObject({ kind: "test_result", stage: "verification" });
    const byName = normaliseCiEvent("github", "workflow_run", githubWorkflowRunCompleted, {
      "SMOKE TESTS": "uat",
    });
    expect(byName).toMatchObject({ kind: "test_result", stage: "uat", suite: "Smoke tests" });
  });

  it("ignores an unknown conclusion instead of guessing", () => {
    const result = normaliseCiEvent(
      "github",
      "workflow_run",
      workflowRun({ conclusion: "exploded" }),
      stageMap,
    );
    expect(result).toEqual({ kind: "ignored", reason: 'unknown workflow run status "exploded"' });
  });

  it.each([
    ["head_sha missing", { head_sha: undefined }, "workflow_run.head_sha"],
    ["id not a number", { id: "30433642" }, "workflow_run.id"],
  ])("reports a malformed payload (%s)", (_label, overrides, path) => {
    const result = normaliseCiEvent("github", "workflow_run", workflowRun(overrides), stageMap);
    expect(result.kind).toBe("malformed");
    expect(result.kind === "malformed" && result.problem).toContain(path);
  });

  it("reports a SHA that is not hex as malformed", () => {
    const result = normaliseCiEvent(
      "github",
      "workflow_run",
      workflowRun({ head_sha: "not-a-sha" }),
      stageMap,
    );
    expect(result).toEqual({ kind: "malformed", problem: expect.stringContaining("sha") });
  });

  it("drops a non-http URL", () => {
    const result = normaliseCiEvent(
      "github",
      "workflow_run",
      workflowRun({ html_url: "javascript:alert(1)" }),
      stageMap,
    );
    expect(result).toMatchObject({ kind: "test_result", url: null });
  });

  it("acknowledges and ignores event types it does not use", () => {
    expect(normaliseCiEvent("github", "push", { zen: "Keep it logically awesome." }, stageMap)).toEqual({
      kind: "ignored",
      reason: 'GitHub event "push" is not used',
    });
    expect(normaliseCiEvent("github", "ping", [], stageMap)).toMatchObject({ kind: "ignored" });
  });

  it("reports a body that is not an object as malformed for a used event", () => {
    expect(normaliseCiEvent("github", "workflow_run", null, stageMap)).toMatchObject({ kind: "malformed" });
  });
});

describe("GitHub check_suite", () => {
  it("looks the app up in stage_map and maps the conclusion", () => {
    expect(
      normaliseCiEvent("github", "check_suite", githubCheckSuiteCompleted, { Buildkite: "staging" }),
    ).toEqual({
      kind: "test_result",
      stage: "staging",
      suite: "Buildkite",
      status: "failed",
      external_id: "check_suite:118578147",
      repository: "harbourdigital/client-site",
      sha: GITHUB_SHA,
      ref: "release/2.3",
      ref_type: null,
      url: `https://github.com/HarbourDigital/Client-Site/commit/${GITHUB_SHA}/checks`,
      provider_status: "failure",
      attempt: null,
      reported_at: "2026-03-02T04:12:00.000Z",
    });
  });

  it("matches on the app slug too, and ignores unmapped apps", () => {
    expect(
      normaliseCiEvent("github", "check_suite", githubCheckSuiteCompleted, { buildkite: "uat" }),
    ).toMatchObject({
      stage: "uat",
    });
    expect(normaliseCiEvent("github", "check_suite", githubCheckSuiteCompleted, stageMap)).toMatchObject({
      kind: "ignored",
    });
  });
});

describe("GitHub deployment_status", () => {
  function withState(state: string) {
    const payload = structuredClone(githubDeploymentStatusSuccess);
    payload.deployment_status.state = state;
    return payload;
  }

  it("maps success in an environment mapped to deployment to a succeeded deployment", () => {
    expect(normaliseCiEvent("github", "deployment_status", githubDeploymentStatusSuccess, stageMap)).toEqual({
      kind: "deployment",
      phase: "succeeded",
      environment: "production",
      environment_url: "https://www.clientco.com.au",
      external_id: "deployment:145988746",
      repository: "harbourdigital/client-site",
      sha: GITHUB_SHA,
      ref: "v2.3.0",
      ref_type: "tag",
      url: "https://github.com/HarbourDigital/Client-Site/actions/runs/30433700",
      provider_status: "success",
      attempt: null,
      reported_at: "2026-03-02T04:20:00.000Z",
    });
  });

  it.each([
    ["pending", "started"],
    ["queued", "started"],
    ["in_progress", "started"],
    ["success", "succeeded"],
    ["failure", "failed"],
    ["error", "failed"],
  ])("state %s → phase %s", (state, phase) => {
    expect(normaliseCiEvent("github", "deployment_status", withState(state), stageMap)).toMatchObject({
      kind: "deployment",
      phase,
    });
  });

  it("ignores inactive (superseded by a newer deployment)", () => {
    expect(normaliseCiEvent("github", "deployment_status", withState("inactive"), stageMap)).toMatchObject({
      kind: "ignored",
    });
  });

  it("gives a test result when the environment maps to a test stage", () => {
    const result = normaliseCiEvent("github", "deployment_status", withState("failure"), {
      production: "verification",
    });
    expect(result).toMatchObject({
      kind: "test_result",
      stage: "verification",
      suite: "production",
      status: "failed",
    });
  });

  it("ignores an environment not in stage_map", () => {
    expect(normaliseCiEvent("github", "deployment_status", githubDeploymentStatusSuccess, {})).toEqual({
      kind: "ignored",
      reason: 'environment "production" is not in stage_map',
    });
  });
});
