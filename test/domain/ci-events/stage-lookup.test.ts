import { describe, expect, it } from "vitest";
import type { StageMap } from "../../../src/domain/ci-events";
import { lookUpStage } from "../../../src/domain/ci-events/stage-lookup";

describe("lookUpStage", () => {
  it("prefers an exact match on any candidate over a case-insensitive one", () => {
    const map: StageMap = { smoke: "smoke", Smoke: "uat" };
    expect(lookUpStage(map, ["Smoke"])).toEqual({ key: "Smoke", target: "uat" });
    expect(lookUpStage(map, ["SMOKE"])?.key).toBe("smoke");
  });

  it("tries candidates in order", () => {
    const map: StageMap = { "deploy.yml": "deployment", Deploy: "staging" };
    expect(lookUpStage(map, ["Deploy", "deploy.yml"])?.target).toBe("staging");
    expect(lookUpStage(map, [null, "deploy.yml"])?.target).toBe("deployment");
  });

  it("does not resolve inherited keys or invalid targets from stored JSON", () => {
    expect(lookUpStage({}, ["constructor", "toString", "__proto__"])).toBeNull();
    const stored = JSON.parse('{"e2e": "production", "smoke": "smoke"}') as StageMap;
    expect(lookUpStage(stored, ["e2e"])).toBeNull();
    expect(lookUpStage(stored, ["smoke"])?.target).toBe("smoke");
  });

  it("ignores blank candidate names", () => {
    expect(lookUpStage({ "": "smoke" }, ["", "  ", undefined])).toBeNull();
  });
});
