import { describe, expect, it } from "vitest";
import { normaliseCiEvent, type StageMap } from "../../../src/domain/ci-events";
import { BITBUCKET_SHA, bitbucketCommitStatusUpdated } from "../../fixtures/ci/bitbucket-payloads";

const stageMap: StageMap = { "UAT regression": "uat" };

function withState(state: string) {
  const payload = structuredClone(bitbucketCommitStatusUpdated);
  payload.commit_status.state = state;
  return payload;
}

describe("Bitbucket commit statuses", () => {
  it("maps a successful mapped status to a passed test result", () => {
    expect(
      normaliseCiEvent("bitbucket", "repo:commit_status_updated", bitbucketCommitStatusUpdated, stageMap),
    ).toEqual({
      kind: "test_result",
      stage: "uat",
      suite: "UAT regression",
      status: "passed",
      external_id: `commit_status:${BITBUCKET_SHA}:PLAYWRIGHT-UAT`,
      repository: "harbour-digital/client-site",
      sha: BITBUCKET_SHA,
      ref: "main",
      ref_type: null,
      url: "https://bitbucket.org/harbour-digital/client-site/pipelines/results/128",
      provider_status: "SUCCESSFUL",
      attempt: null,
      reported_at: "2026-03-02T04:15:06.000Z",
    });
  });

  it.each([
    ["INPROGRESS", "running"],
    ["SUCCESSFUL", "passed"],
    ["FAILED", "failed"],
    ["STOPPED", "skipped"],
  ])("state %s → %s", (state, status) => {
    expect(
      normaliseCiEvent("bitbucket", "repo:commit_status_created", withState(state), stageMap),
    ).toMatchObject({
      kind: "test_result",
      status,
    });
  });

  it.each([
    ["INPROGRESS", "started"],
    ["SUCCESSFUL", "succeeded"],
    ["FAILED", "failed"],
    ["STOPPED", "failed"],
  ])("a status mapped to deployment: %s → %s", (state, phase) => {
    expect(
      normaliseCiEvent("bitbucket", "repo:commit_status_created", withState(state), {
        "PLAYWRIGHT-UAT": "deployment",
      }),
    ).toMatchObject({ kind: "deployment", phase });
  });

  it("reads the SHA from links.commit.href when commit.hash is absent", () => {
    const payload: { commit_status: Record<string, unknown> } = structuredClone(bitbucketCommitStatusUpdated);
    delete payload.commit_status.commit;
    expect(normaliseCiEvent("bitbucket", "repo:commit_status_created", payload, stageMap)).toMatchObject({
      sha: BITBUCKET_SHA,
    });
  });

  it("is malformed without a commit SHA or repository", () => {
    const noSha: { commit_status: Record<string, unknown> } = structuredClone(bitbucketCommitStatusUpdated);
    delete noSha.commit_status.commit;
    delete noSha.commit_status.links;
    expect(normaliseCiEvent("bitbucket", "repo:commit_status_created", noSha, stageMap)).toMatchObject({
      kind: "malformed",
    });
    const noRepository: Record<string, unknown> = structuredClone(bitbucketCommitStatusUpdated);
    delete noRepository.repository;
    delete (noRepository.commit_status as Record<string, unknown>).repository;
    expect(normaliseCiEvent("bitbucket", "repo:commit_status_created", noRepository, stageMap)).toEqual({
      kind: "malformed",
      problem: expect.stringContaining("repository"),
    });
  });

  it("ignores unknown states, unmapped statuses and other events", () => {
    expect(
      normaliseCiEvent("bitbucket", "repo:commit_status_created", withState("PAUSED"), stageMap),
    ).toMatchObject({
      kind: "ignored",
    });
    expect(
      normaliseCiEvent("bitbucket", "repo:commit_status_created", bitbucketCommitStatusUpdated, {}),
    ).toMatchObject({
      kind: "ignored",
    });
    expect(normaliseCiEvent("bitbucket", "repo:push", {}, stageMap)).toMatchObject({ kind: "ignored" });
  });
});
