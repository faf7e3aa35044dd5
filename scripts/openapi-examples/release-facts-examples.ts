import { release } from "./release-examples";
import { ids, pageOf, times } from "./world";

// Examples for what a release records beside its stage: checklist, test plan, rollback procedure,
// monitoring, issues, sign-offs, the investigation after a rollback, and release notes.

const checklistItem = {
  id: ids.checklistItem,
  attempt: 1,
  position: 4,
  key: "backups_verified",
  title: "Database and media backups verified",
  guidance: "Restore last night's snapshot to staging and open three product pages.",
  stage: "pre_deployment_verification",
  category: "general",
  required: true,
  status: "done",
  completed_by: ids.engineer,
  completed_at: "2026-12-02T05:48:10.000Z",
  evidence_url: "https://paddockandpixel.atlassian.net/browse/HB-231",
  updated_at: "2026-12-02T05:48:10.000Z",
};

const complianceItem = {
  id: ids.secondChecklistItem,
  attempt: 1,
  position: 7,
  key: "acl_s29_price_claims",
  title: "Sale and 'was' prices are genuine (ACL s29)",
  guidance: "Each 'was' price was charged for a reasonable period before the sale.",
  stage: "pre_deployment_verification",
  category: "acl",
  required: true,
  status: "open",
  completed_by: null,
  completed_at: null,
  evidence_url: null,
  updated_at: times.releaseCreated,
};

const monitoring = {
  dashboards: release.monitoring_dashboards,
  confirmed_by: ids.engineer,
  confirmed_at: "2026-12-08T12:10:00.000Z",
};

const issue = {
  id: ids.issue,
  attempt: 1,
  severity: "medium",
  description: "Kids' bikes sale page shows the countdown banner twice on iPhone SE (Safari 18).",
  link: "https://paddockandpixel.atlassian.net/browse/HB-240",
  status: "open",
  raised_by: ids.engineer,
  closed_by: null,
  closed_at: null,
  created_at: "2026-12-08T11:52:31.000Z",
  updated_at: "2026-12-08T11:52:31.000Z",
};

const signOff = {
  id: ids.signOff,
  attempt: 1,
  signer_id: ids.approver,
  contact_id: null,
  decision: "approved",
  note: "Checked every 'was' price against the November price list.",
  created_at: "2026-12-07T23:40:12.000Z",
};

const correctiveAction = {
  id: ids.correctiveAction,
  attempt: 1,
  description: "Add the Boxing Day banner to the visual-regression suite on small screens.",
  status: "open",
  owner_id: ids.engineer,
  created_at: "2026-12-09T00:30:00.000Z",
  updated_at: "2026-12-09T00:30:00.000Z",
};

const releaseNotes =
  "## Harbour Bikes 2.4.0 — Summer sale landing pages\n\n- Summer sale pages for road, gravel and kids' bikes\n- Countdown banner to the Boxing Day sale\n";

const templateItems = [
  {
    key: "backups_verified",
    title: "Database and media backups verified",
    stage: "pre_deployment_verification",
    required: true,
    category: "general",
    guidance: "Restore last night's snapshot to staging and open three product pages.",
  },
  {
    key: "analytics_tags_checked",
    title: "GA4 and Meta pixel fire on the new pages",
    stage: "post_deployment_verification",
    required: false,
    category: "general",
    guidance: null,
  },
];

export const releaseFactsExamples: Record<string, unknown> = {
  Checklist: { release_id: ids.release, attempt: 1, items: [checklistItem, complianceItem] },
  ChecklistItem: checklistItem,
  ChecklistItemPatch: { status: "done", evidence_url: "https://paddockandpixel.atlassian.net/browse/HB-231" },
  ChecklistBulkPatch: {
    items: [
      {
        key: "backups_verified",
        status: "done",
        evidence_url: "https://paddockandpixel.atlassian.net/browse/HB-231",
      },
      {
        key: "acl_s29_price_claims",
        status: "done",
        note: "Prices checked against the November price list.",
      },
    ],
  },
  ChecklistBulkResult: { updated: [checklistItem] },
  TestPlan: {
    entries: release.test_plan.map(({ stage, suite, description }) => ({ stage, suite, description })),
  },
  RollbackProcedure: { steps: release.rollback_procedure.map(({ title, details }) => ({ title, details })) },
  Monitoring: monitoring,
  MonitoringDashboards: { dashboards: release.monitoring_dashboards },
  MonitoringConfirmation: {
    note: "Error rate flat at 0.1 %, checkout conversions normal for a Tuesday night.",
  },
  ReleaseAfterMonitoring: {
    ...release,
    stage: "post_deployment_verification",
    row_version: 12,
    result: monitoring,
  },
  IssueReport: issue,
  IssueReportPage: pageOf([issue]),
  IssueReportCreate: { severity: issue.severity, description: issue.description, link: issue.link },
  IssueReportPatch: { status: "closed" },
  SignOff: signOff,
  SignOffPage: pageOf([signOff]),
  SignOffCreate: { decision: "approved", note: signOff.note },
  Investigation: {
    attempt: 1,
    status: "open",
    summary: "The Boxing Day banner overlapped the checkout button on small screens; rolled back to 2.3.2.",
    corrective_actions: [correctiveAction],
    created_at: "2026-12-08T11:45:00.000Z",
    updated_at: "2026-12-09T00:30:00.000Z",
  },
  InvestigationPatch: {
    summary: "The Boxing Day banner overlapped the checkout button on small screens; rolled back to 2.3.2.",
  },
  CorrectiveAction: correctiveAction,
  CorrectiveActionCreate: { description: correctiveAction.description, owner_id: ids.engineer },
  CorrectiveActionPatch: { status: "closed" },
  ReleaseNotes: { markdown: releaseNotes, published_at: "2026-12-09T02:00:00.000Z" },
  ReleaseNotesPut: { markdown: releaseNotes },
  ChecklistTemplate: { is_default: false, items: templateItems, updated_at: "2026-11-04T02:10:00.000Z" },
  ChecklistTemplatePut: { items: templateItems },
};
