import { describe, expect, it } from "vitest";
import {
  ACL_CHECKLIST,
  type ChecklistTemplateItem,
  type ComplianceFlags,
  checklistForRelease,
  complianceChecklistItems,
  DEFAULT_PRE_DEPLOYMENT_CHECKLIST,
  PRIVACY_CHECKLIST,
  SPAM_CHECKLIST,
} from "../../../src/domain/lifecycle";

const none: ComplianceFlags = {
  touches_pricing_promotions_or_claims: false,
  touches_personal_data: false,
  sends_commercial_email: false,
};

describe("default checklist", () => {
  it("ships a pre-deployment checklist with unique keys and required items", () => {
    const keys = DEFAULT_PRE_DEPLOYMENT_CHECKLIST.map((item) => item.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      DEFAULT_PRE_DEPLOYMENT_CHECKLIST.every((item) => item.stage === "pre_deployment_verification"),
    ).toBe(true);
    expect(DEFAULT_PRE_DEPLOYMENT_CHECKLIST.filter((item) => item.required).length).toBeGreaterThanOrEqual(5);
  });

  it("adds the Australian Consumer Law items when the release touches pricing, promotions or claims", () => {
    const items = checklistForRelease(null, { ...none, touches_pricing_promotions_or_claims: true });
    const acl = items.filter((item) => item.category === "acl");
    expect(acl.map((item) => item.key)).toEqual([
      "acl_single_price",
      "acl_no_misleading_claims",
      "acl_promotion_terms_shown",
    ]);
    expect(acl.map((item) => item.title).join(" ")).toMatch(/s48.*s18, s29/);
    expect(acl.every((item) => item.required && item.stage === "pre_deployment_verification")).toBe(true);
  });

  it.each([
    ["nothing flagged", none, []],
    ["personal data", { ...none, touches_personal_data: true }, PRIVACY_CHECKLIST],
    ["commercial email", { ...none, sends_commercial_email: true }, SPAM_CHECKLIST],
    [
      "everything",
      {
        touches_pricing_promotions_or_claims: true,
        touches_personal_data: true,
        sends_commercial_email: true,
      },
      [...ACL_CHECKLIST, ...PRIVACY_CHECKLIST, ...SPAM_CHECKLIST],
    ],
  ] as const)("compliance items for %s", (_name, flags, expected) => {
    expect(complianceChecklistItems(flags)).toEqual(expected);
  });

  it("uses the agency's template instead of the default, and keeps its wording for a compliance key", () => {
    const agency: ChecklistTemplateItem[] = [
      {
        key: "qa_signoff",
        title: "QA lead signed off",
        stage: "pre_deployment_verification",
        required: true,
        category: "general",
        guidance: null,
      },
      {
        key: "acl_single_price",
        title: "Drip pricing check",
        stage: "pre_deployment_verification",
        required: true,
        category: "acl",
        guidance: null,
      },
    ];
    const items = checklistForRelease(agency, { ...none, touches_pricing_promotions_or_claims: true });
    expect(items.map((item) => item.key)).toEqual([
      "qa_signoff",
      "acl_single_price",
      "acl_no_misleading_claims",
      "acl_promotion_terms_shown",
    ]);
    expect(items[1]?.title).toBe("Drip pricing check");
  });

  it("falls back to the default when the agency's template is empty", () => {
    expect(checklistForRelease([], none)).toEqual(DEFAULT_PRE_DEPLOYMENT_CHECKLIST);
  });
});
