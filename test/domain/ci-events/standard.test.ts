import { describe, expect, it } from "vitest";
import { normaliseCiEvent } from "../../../src/domain/ci-events";
import {
  STANDARD_SHA,
  standardDeploymentBody,
  standardTestResultBody,
} from "../../fixtures/ci/standard-bodies";

describe("standard provider body", () => {
  it("maps a test_result with an explicit stage", () => {
    expect(normaliseCiEvent("standard", "test_result", standardTestResultBody, {})).toEqual({
      kind: "test_result",
      stage: "smoke",
      suite: "Playwright smoke",
      status: "passed",
      external_id: "run-8841",
      repository: "harbour-digital/client-site",
      sha: STANDARD_SHA,
      ref: "main",
      ref_type: "branch",
      url: "https://ci.example.com/runs/8841",
      provider_status: "passed",
      attempt: null,
      reported_at: "2026-03-02T04:05:06.000Z",
    });
  });

  it("looks the suite up in stage_map when the body has no stage", () => {
    const body = structuredClone(standardTestResultBody);
    Object.assign(body.data, { stage: undefined, status: "failed" });
    expect(normaliseCiEvent("standard", "test_result", body, { "Playwright smoke": "uat" })).toMatchObject({
      stage: "uat",
      status: "failed",
    });
    expect(normaliseCiEvent("standard", "test_result", body, {})).toMatchObject({ kind: "ignored" });
    expect(
      normaliseCiEvent("standard", "test_result", body, { "Playwright smoke": "deployment" }),
    ).toMatchObject({
      kind: "ignored",
    });
  });

  it("maps a deployment", () => {
    expect(normaliseCiEvent("standard", "deployment", standardDeploymentBody, {})).toEqual({
      kind: "deployment",
      phase: "succeeded",
      environment: "production",
      environment_url: "https://www.clientco.com.au",
      external_id: "deploy-311",
      repository: "harbour-digital/client-site",
      sha: STANDARD_SHA,
      ref: "v2.3.0",
      ref_type: "tag",
      url: "https://ci.example.com/deploys/311",
      provider_status: "succeeded",
      attempt: null,
      reported_at: null,
    });
  });

  it.each(["started", "succeeded", "failed"])("passes phase %s through", (phase) => {
    const body = structuredClone(standardDeploymentBody);
    body.data.phase = phase;
    expect(normaliseCiEvent("standard", "deployment", body, {})).toMatchObject({ phase });
  });

  it.each([
    ["an unknown status", { status: "green" }, "data.status"],
    ["an unknown stage", { stage: "production" }, "data.stage"],
    ["no external_id", { external_id: undefined }, "data.external_id"],
    ["a repository without owner", { repository: "client-site" }, "repository"],
  ])("is malformed with %s", (_label, overrides, path) => {
    const body = structuredClone(standardTestResultBody);
    Object.assign(body.data, overrides);
    expect(normaliseCiEvent("standard", "test_result", body, {})).toEqual({
      kind: "malformed",
      problem: expect.stringContaining(path),
    });
  });

  it("is malformed without data", () => {
    expect(normaliseCiEvent("standard", "deployment", { type: "deployment" }, {})).toMatchObject({
      kind: "malformed",
    });
  });

  it("ignores other types", () => {
    expect(normaliseCiEvent("standard", "build_started", { type: "build_started", data: {} }, {})).toEqual({
      kind: "ignored",
      reason: 'standard event type "build_started" is not used',
    });
  });
});
