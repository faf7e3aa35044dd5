import { describe, expect, it } from "vitest";
import { normaliseCiEvent, type StageMap } from "../../../src/domain/ci-events";
import {
  CIRCLECI_SHA,
  circleciJobCompleted,
  circleciWorkflowCompleted,
} from "../../fixtures/ci/circleci-payloads";

const stageMap: StageMap = { verification: "verification", "deploy-production": "deployment" };
const WORKFLOW_URL =
  "https://app.circleci.com/pipelines/github/HarbourDigital/client-site/130/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3";

describe("CircleCI workflow-completed", () => {
  it("maps a successful mapped workflow to a passed test result", () => {
    expect(normaliseCiEvent("circleci", "workflow-completed", circleciWorkflowCompleted, stageMap)).toEqual({
      kind: "test_result",
      stage: "verification",
      suite: "verification",
      status: "passed",
      external_id: "workflow:fda08377-fe7e-46b1-8992-3a7aaecac9c3",
      repository: "harbourdigital/client-site",
      sha: CIRCLECI_SHA,
      ref: "main",
      ref_type: "branch",
      url: WORKFLOW_URL,
      provider_status: "success",
      attempt: null,
      reported_at: "2026-03-02T04:49:34.317Z",
    });
  });

  it.each([
    ["success", "passed"],
    ["failed", "failed"],
    ["error", "failed"],
    ["unauthorized", "failed"],
    ["canceled", "skipped"],
    ["not_run", "skipped"],
    ["on_hold", "running"],
  ])("workflow status %s → %s", (status, expected) => {
    const payload = structuredClone(circleciWorkflowCompleted);
    payload.workflow.status = status;
    expect(normaliseCiEvent("circleci", "workflow-completed", payload, stageMap)).toMatchObject({
      status: expected,
    });
  });

  it("records a tag build's ref type and falls back to the project slug for the repository", () => {
    const payload = structuredClone(circleciWorkflowCompleted);
    Object.assign(payload.pipeline.vcs, {
      branch: undefined,
      tag: "v2.3.0",
      target_repository_url: undefined,
      origin_repository_url: undefined,
    });
    expect(normaliseCiEvent("circleci", "workflow-completed", payload, stageMap)).toMatchObject({
      ref: "v2.3.0",
      ref_type: "tag",
      repository: "harbourdigital/client-site",
    });
  });

  it("ignores a pipeline without VCS information (nothing to match a release on)", () => {
    const payload: { pipeline: Record<string, unknown> } = structuredClone(circleciWorkflowCompleted);
    delete payload.pipeline.vcs;
    expect(normaliseCiEvent("circleci", "workflow-completed", payload, stageMap)).toMatchObject({
      kind: "ignored",
    });
  });

  it("is malformed without a workflow", () => {
    const payload: Record<string, unknown> = structuredClone(circleciWorkflowCompleted);
    delete payload.workflow;
    expect(normaliseCiEvent("circleci", "workflow-completed", payload, stageMap)).toEqual({
      kind: "malformed",
      problem: expect.stringContaining("workflow"),
    });
  });
});

describe("CircleCI job-completed", () => {
  it("maps a failed job mapped to deployment to a failed deployment with the job URL", () => {
    expect(normaliseCiEvent("circleci", "job-completed", circleciJobCompleted, stageMap)).toEqual({
      kind: "deployment",
      phase: "failed",
      environment: null,
      environment_url: null,
      external_id: "job:8bd26027-1122-4b8c-9f4c-7d2c0c6f7a11",
      repository: "harbourdigital/client-site",
      sha: CIRCLECI_SHA,
      ref: "main",
      ref_type: "branch",
      url: `${WORKFLOW_URL}/jobs/136`,
      provider_status: "failed",
      attempt: null,
      reported_at: "2026-03-02T04:49:34.317Z",
    });
  });

  it.each([
    ["success", "succeeded"],
    ["failed", "failed"],
    ["infrastructure_fail", "failed"],
    ["timedout", "failed"],
    ["canceled", "failed"],
  ])("deployment job status %s → %s", (status, phase) => {
    const payload = structuredClone(circleciJobCompleted);
    payload.job.status = status;
    expect(normaliseCiEvent("circleci", "job-completed", payload, stageMap)).toMatchObject({ phase });
  });

  it("looks up only the job name, so a mapped workflow does not duplicate results per job", () => {
    const payload = structuredClone(circleciJobCompleted);
    payload.job.name = "unit-tests";
    expect(normaliseCiEvent("circleci", "job-completed", payload, stageMap)).toEqual({
      kind: "ignored",
      reason: 'job "unit-tests" is not in stage_map',
    });
  });

  it("ignores other event types", () => {
    expect(normaliseCiEvent("circleci", "ping", {}, stageMap)).toMatchObject({ kind: "ignored" });
  });
});
