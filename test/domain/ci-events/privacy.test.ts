import { describe, expect, it } from "vitest";
import { type CiProvider, normaliseCiEvent, type StageMap } from "../../../src/domain/ci-events";
import { bitbucketCommitStatusUpdated } from "../../fixtures/ci/bitbucket-payloads";
import { circleciJobCompleted, circleciWorkflowCompleted } from "../../fixtures/ci/circleci-payloads";
import {
  githubCheckSuiteCompleted,
  githubDeploymentStatusSuccess,
  githubWorkflowRunCompleted,
} from "../../fixtures/ci/github-payloads";
import { gitlabDeploymentHook, gitlabJobHook, gitlabPipelineHook } from "../../fixtures/ci/gitlab-payloads";
import { PERSONAL_DATA } from "../../fixtures/ci/personal-data";
import { standardTestResultBody } from "../../fixtures/ci/standard-bodies";

const stageMap: StageMap = {
  "Smoke tests": "smoke",
  Buildkite: "staging",
  production: "deployment",
  "Pipeline for branch: main": "staging",
  "playwright-smoke": "smoke",
  "UAT regression": "uat",
  verification: "verification",
  "deploy-production": "deployment",
};

const cases: [CiProvider, string, unknown][] = [
  ["github", "workflow_run", githubWorkflowRunCompleted],
  ["github", "check_suite", githubCheckSuiteCompleted],
  ["github", "deployment_status", githubDeploymentStatusSuccess],
  ["gitlab", "Pipeline Hook", gitlabPipelineHook],
  ["gitlab", "Job Hook", gitlabJobHook],
  ["gitlab", "Deployment Hook", gitlabDeploymentHook],
  ["bitbucket", "repo:commit_status_updated", bitbucketCommitStatusUpdated],
  ["circleci", "workflow-completed", circleciWorkflowCompleted],
  ["circleci", "job-completed", circleciJobCompleted],
  ["standard", "test_result", standardTestResultBody],
];

const ALLOWED_KEYS = new Set([
  "kind",
  "stage",
  "suite",
  "status",
  "phase",
  "environment",
  "environment_url",
  "external_id",
  "repository",
  "sha",
  "ref",
  "ref_type",
  "url",
  "provider_status",
  "attempt",
  "reported_at",
]);

describe("privacy (APP 3): no personal data survives normalisation", () => {
  it("the fixtures really do contain the planted names and emails (control)", () => {
    const everything = JSON.stringify(cases.map(([, , payload]) => payload));
    for (const value of PERSONAL_DATA) expect(everything).toContain(value);
  });

  it.each(cases)(
    "%s %s: result holds no name, login or email, and only model fields",
    (provider, event, payload) => {
      const result = normaliseCiEvent(provider, event, payload, stageMap);
      expect(["test_result", "deployment"]).toContain(result.kind);
      const serialised = JSON.stringify(result).toLowerCase();
      for (const value of PERSONAL_DATA) expect(serialised).not.toContain(value.toLowerCase());
      expect(serialised).not.toMatch(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/);
      expect(Object.keys(result).filter((key) => !ALLOWED_KEYS.has(key))).toEqual([]);
    },
  );

  it("does not carry pipeline variables (which can hold secrets)", () => {
    const result = normaliseCiEvent("gitlab", "Pipeline Hook", gitlabPipelineHook, stageMap);
    expect(JSON.stringify(result)).not.toContain("glpat-");
  });
});
