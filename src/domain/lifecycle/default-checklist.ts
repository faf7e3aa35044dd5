/**
 * Checklist templates. An agency may keep its own per-stage template; when it has none, the
 * default pre-deployment checklist below is used. Compliance items are added on top whenever the
 * release's flags say the law applies, whatever template the agency uses, because the law does
 * not depend on the agency's habits. Compliance items are required and need a named sign-off
 * (see the `compliance_signed_off` gate).
 */

import type { ChecklistCategory, ComplianceFlags } from "./snapshot";
import type { Stage } from "./stages";

export interface ChecklistTemplateItem {
  /** Stable within a release's checklist; used to avoid adding the same item twice. */
  key: string;
  title: string;
  stage: Stage;
  required: boolean;
  category: ChecklistCategory;
  guidance: string | null;
}

function preDeployment(
  key: string,
  title: string,
  required: boolean,
  guidance: string | null = null,
): ChecklistTemplateItem {
  return { key, title, stage: "pre_deployment_verification", required, category: "general", guidance };
}

export const DEFAULT_PRE_DEPLOYMENT_CHECKLIST: readonly ChecklistTemplateItem[] = [
  preDeployment(
    "candidate_in_staging",
    "The release candidate in staging matches the release's version and commit",
    true,
  ),
  preDeployment("test_plan_reviewed", "The test plan covers every change log entry", true),
  preDeployment(
    "backup_verified",
    "A production backup is taken and known to restore",
    true,
    "Database, CMS content and uploaded media, not just code.",
  ),
  preDeployment(
    "rollback_procedure_reviewed",
    "The rollback procedure is reviewed and fits inside the deployment window",
    true,
  ),
  preDeployment(
    "production_config_ready",
    "Production configuration, secrets and feature flags are in place",
    true,
  ),
  preDeployment(
    "migrations_reviewed",
    "Database migrations are reviewed and can be reversed or are backwards compatible",
    true,
    "Mark n/a when the release has no migration.",
  ),
  preDeployment("monitoring_ready", "Monitoring dashboards and alerts are ready to watch the release", true),
  preDeployment(
    "third_parties_ready",
    "DNS, CDN, payment and other third-party changes are scheduled with the release",
    false,
  ),
  preDeployment(
    "tracking_verified",
    "Analytics and tracking tags fire in staging and respect the consent banner",
    false,
    "Marketing sites: a broken tag loses the client's campaign data; a tag that ignores consent collects personal information without it.",
  ),
  preDeployment("client_informed", "The client knows the deployment window and any expected downtime", true),
];

function compliance(
  category: Exclude<ChecklistCategory, "general">,
  key: string,
  title: string,
  guidance: string,
): ChecklistTemplateItem {
  return { key, title, stage: "pre_deployment_verification", required: true, category, guidance };
}

/** Australian Consumer Law: releases that touch pricing, promotions or claims. */
export const ACL_CHECKLIST: readonly ChecklistTemplateItem[] = [
  compliance(
    "acl",
    "acl_single_price",
    "Where a part price is shown, the total price is shown at least as prominently (ACL s48)",
    "Include unavoidable fees and charges in the total; a 'from $X/month' headline needs the total minimum price beside it.",
  ),
  compliance(
    "acl",
    "acl_no_misleading_claims",
    "Claims, comparisons and testimonials are accurate, substantiated and genuine (ACL s18, s29)",
    "No invented or paid-undisclosed testimonials, no 'was/now' prices that never applied, no approvals or sponsorships that do not exist.",
  ),
  compliance(
    "acl",
    "acl_promotion_terms_shown",
    "Promotion terms (eligibility, dates, limits, exclusions) are shown with the offer",
    "Mark n/a when the release changes prices or claims but runs no promotion.",
  ),
];

/** Privacy Act (Australian Privacy Principles): releases that touch personal information. */
export const PRIVACY_CHECKLIST: readonly ChecklistTemplateItem[] = [
  compliance(
    "privacy",
    "privacy_collection_minimised",
    "Only personal information the feature needs is collected (APP 3)",
    "Remove optional form fields that are not used.",
  ),
  compliance(
    "privacy",
    "privacy_collection_notice",
    "The collection notice and privacy policy say what is collected and why (APP 1, APP 5)",
    "Update them before the form goes live.",
  ),
  compliance(
    "privacy",
    "privacy_overseas_and_security",
    "New overseas recipients are identified and the data is secured with a retention period (APP 8, APP 11)",
    "New SaaS tools, CRMs and analytics vendors count as disclosures.",
  ),
];

/** Spam Act 2003: releases that send commercial electronic messages. */
export const SPAM_CHECKLIST: readonly ChecklistTemplateItem[] = [
  compliance(
    "spam",
    "spam_consent",
    "Every recipient's consent (express or inferred) is recorded (Spam Act s16)",
    "Record who consented, when and how; a purchased list is not consent.",
  ),
  compliance(
    "spam",
    "spam_sender_identified",
    "Messages identify the sender with contact details valid for at least 30 days (Spam Act s17)",
    "Sender name, and an address or phone the recipient can use.",
  ),
  compliance(
    "spam",
    "spam_unsubscribe",
    "Every message has a free, working unsubscribe honoured within 5 working days (Spam Act s18)",
    "It must work for at least 30 days after sending and ask for nothing beyond the address.",
  ),
];

/** The compliance items the release's flags call for. */
export function complianceChecklistItems(flags: ComplianceFlags): ChecklistTemplateItem[] {
  return [
    ...(flags.touches_pricing_promotions_or_claims ? ACL_CHECKLIST : []),
    ...(flags.touches_personal_data ? PRIVACY_CHECKLIST : []),
    ...(flags.sends_commercial_email ? SPAM_CHECKLIST : []),
  ];
}

/**
 * The checklist to create for a release: the agency's template (the default when it has none)
 * plus the compliance items its flags call for. An agency item with the same key as a
 * compliance item replaces it, so agencies can reword items without losing them.
 */
export function checklistForRelease(
  agencyTemplate: readonly ChecklistTemplateItem[] | null,
  flags: ComplianceFlags,
): ChecklistTemplateItem[] {
  const base =
    agencyTemplate !== null && agencyTemplate.length > 0 ? agencyTemplate : DEFAULT_PRE_DEPLOYMENT_CHECKLIST;
  const keys = new Set(base.map((item) => item.key));
  return [...base, ...complianceChecklistItems(flags).filter((item) => !keys.has(item.key))];
}
