import { describe, expect, it } from "vitest";
import { normaliseCiEvent, type StageMap } from "../../../src/domain/ci-events";
import {
  GITLAB_SHA,
  gitlabDeploymentHook,
  gitlabJobHook,
  gitlabPipelineHook,
} from "../../fixtures/ci/gitlab-payloads";

const stageMap: StageMap = {
  "Pipeline for branch: main": "staging",
  "playwright-smoke": "smoke",
  uat: "uat",
  production: "deployment",
  review: "verification",
};

function pipelineWith(status: string) {
  const payload = structuredClone(gitlabPipelineHook);
  payload.object_attributes.status = status;
  return payload;
}

describe("GitLab Pipeline Hook", () => {
  it("maps a named pipeline's success to a passed test result", () => {
    expect(normaliseCiEvent("gitlab", "Pipeline Hook", gitlabPipelineHook, stageMap)).toEqual({
      kind: "test_result",
      stage: "staging",
      suite: "Pipeline for branch: main",
      status: "passed",
      external_id: "pipeline:31",
      repository: "harbour-digital/clients/client-site",
      sha: GITLAB_SHA,
      ref: "main",
      ref_type: "branch",
      url: "https://gitlab.com/harbour-digital/clients/Client-Site/-/pipelines/31",
      provider_status: "success",
      attempt: null,
      reported_at: "2026-03-02T04:15:06.000Z",
    });
  });

  it.each([
    ["created", "running"],
    ["waiting_for_resource", "running"],
    ["preparing", "running"],
    ["pending", "running"],
    ["running", "running"],
    ["success", "passed"],
    ["failed", "failed"],
    ["canceled", "skipped"],
    ["skipped", "skipped"],
    ["manual", "running"],
    ["scheduled", "running"],
  ])("pipeline status %s → test status %s", (status, expected) => {
    expect(normaliseCiEvent("gitlab", "Pipeline Hook", pipelineWith(status), stageMap)).toMatchObject({
      kind: "test_result",
      status: expected,
    });
  });

  it.each([
    ["pending", "started"],
    ["running", "started"],
    ["success", "succeeded"],
    ["failed", "failed"],
    ["canceled", "failed"],
  ])("a pipeline mapped to deployment: %s → phase %s", (status, phase) => {
    const payload = pipelineWith(status);
    expect(
      normaliseCiEvent("gitlab", "Pipeline Hook", payload, { "Pipeline for branch: main": "deployment" }),
    ).toMatchObject({ kind: "deployment", phase });
  });

  it.each(["manual", "skipped"])("a deployment pipeline that is %s is ignored", (status) => {
    const payload = pipelineWith(status);
    expect(
      normaliseCiEvent("gitlab", "Pipeline Hook", payload, { "Pipeline for branch: main": "deployment" }),
    ).toMatchObject({ kind: "ignored" });
  });

  it("explains how to fix an unnamed pipeline", () => {
    const payload = structuredClone(gitlabPipelineHook);
    Object.assign(payload.object_attributes, { name: null });
    expect(normaliseCiEvent("gitlab", "Pipeline Hook", payload, stageMap)).toEqual({
      kind: "ignored",
      reason: expect.stringContaining("workflow:name"),
    });
  });

  it("records a tag pipeline's ref type", () => {
    const payload = structuredClone(gitlabPipelineHook);
    Object.assign(payload.object_attributes, { ref: "v2.3.0", tag: true });
    expect(normaliseCiEvent("gitlab", "Pipeline Hook", payload, stageMap)).toMatchObject({
      ref: "v2.3.0",
      ref_type: "tag",
    });
  });

  it("rejects a body whose object_kind disagrees with the event header", () => {
    const result = normaliseCiEvent("gitlab", "Pipeline Hook", gitlabJobHook, stageMap);
    expect(result).toEqual({ kind: "malformed", problem: expect.stringContaining("object_kind") });
  });
});

describe("GitLab Job Hook", () => {
  it("maps a failed mapped job to a failed test result with its job URL", () => {
    expect(normaliseCiEvent("gitlab", "Job Hook", gitlabJobHook, stageMap)).toEqual({
      kind: "test_result",
      stage: "smoke",
      suite: "playwright-smoke",
      status: "failed",
      external_id: "job:1977",
      repository: "harbour-digital/clients/client-site",
      sha: GITLAB_SHA,
      ref: "v2.3.0",
      ref_type: "tag",
      url: "https://gitlab.com/harbour-digital/clients/Client-Site/-/jobs/1977",
      provider_status: "failed",
      attempt: null,
      reported_at: "2026-03-02T04:09:00.000Z",
    });
  });

  it("falls back to the GitLab stage name, then ignores", () => {
    expect(normaliseCiEvent("gitlab", "Job Hook", gitlabJobHook, { smoke: "verification" })).toMatchObject({
      stage: "verification",
      suite: "playwright-smoke",
    });
    expect(normaliseCiEvent("gitlab", "Job Hook", gitlabJobHook, {})).toEqual({
      kind: "ignored",
      reason: 'job "playwright-smoke" or "smoke" is not in stage_map',
    });
  });

  it("derives the repository from repository.homepage on payloads without project", () => {
    const payload: Record<string, unknown> = structuredClone(gitlabJobHook);
    delete payload.project;
    expect(normaliseCiEvent("gitlab", "Job Hook", payload, stageMap)).toMatchObject({
      repository: "harbour-digital/clients/client-site",
    });
  });

  it("reports a job without a build_status as malformed", () => {
    const payload: Record<string, unknown> = structuredClone(gitlabJobHook);
    delete payload.build_status;
    expect(normaliseCiEvent("gitlab", "Job Hook", payload, stageMap)).toEqual({
      kind: "malformed",
      problem: expect.stringContaining("build_status"),
    });
  });
});

describe("GitLab Deployment Hook", () => {
  function deploymentWith(status: string) {
    return { ...structuredClone(gitlabDeploymentHook), status };
  }

  it("maps a successful production deployment, taking the full SHA from commit_url", () => {
    expect(normaliseCiEvent("gitlab", "Deployment Hook", gitlabDeploymentHook, stageMap)).toEqual({
      kind: "deployment",
      phase: "succeeded",
      environment: "production",
      environment_url: "https://www.clientco.com.au",
      external_id: "deployment:15",
      repository: "harbour-digital/clients/client-site",
      sha: GITLAB_SHA,
      ref: "main",
      ref_type: null,
      url: "https://gitlab.com/harbour-digital/clients/Client-Site/-/jobs/796",
      provider_status: "success",
      attempt: null,
      reported_at: "2026-03-02T04:20:00.000Z",
    });
  });

  it("uses the short SHA when commit_url has no full one", () => {
    const payload = { ...structuredClone(gitlabDeploymentHook), commit_url: null };
    expect(normaliseCiEvent("gitlab", "Deployment Hook", payload, stageMap)).toMatchObject({
      sha: "bcbb5ec3",
    });
  });

  it.each([
    ["created", "started"],
    ["running", "started"],
    ["success", "succeeded"],
    ["failed", "failed"],
    ["canceled", "failed"],
  ])("status %s → phase %s", (status, phase) => {
    expect(normaliseCiEvent("gitlab", "Deployment Hook", deploymentWith(status), stageMap)).toMatchObject({
      kind: "deployment",
      phase,
    });
  });

  it("ignores a deployment blocked on approval", () => {
    expect(normaliseCiEvent("gitlab", "Deployment Hook", deploymentWith("blocked"), stageMap)).toMatchObject({
      kind: "ignored",
    });
  });

  it("gives a test result for an environment mapped to a test stage", () => {
    const payload = { ...structuredClone(gitlabDeploymentHook), environment: "review" };
    expect(normaliseCiEvent("gitlab", "Deployment Hook", payload, stageMap)).toMatchObject({
      kind: "test_result",
      stage: "verification",
      status: "passed",
    });
  });

  it("ignores other GitLab events", () => {
    expect(normaliseCiEvent("gitlab", "Push Hook", { object_kind: "push" }, stageMap)).toMatchObject({
      kind: "ignored",
    });
  });
});
