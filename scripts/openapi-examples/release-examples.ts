import { ids, names, pageOf, times } from "./world";

// Examples for a release, its commands and its audit trail. Release 2.4.0 is in pre-deployment
// verification, waiting for the go/no-go: staging passed, one compliance sign-off still open.

const changeLog = [
  {
    summary: "Summer sale landing pages for road, gravel and kids' bikes",
    kind: "feature",
    reference: "https://github.com/paddock-and-pixel/harbourbikes-web/pull/412",
  },
  {
    summary: "Countdown banner to the Boxing Day sale, hidden after 26 December",
    kind: "feature",
    reference: "https://github.com/paddock-and-pixel/harbourbikes-web/pull/418",
  },
  { summary: "Upgrade the image CDN client", kind: "chore", reference: null },
];

const compliance = {
  touches_pricing_promotions_or_claims: true,
  touches_personal_data: false,
  sends_commercial_email: false,
};

const window = {
  starts_at: times.windowStarts,
  ends_at: times.windowEnds,
  timezone: names.timezone,
  confirmed: true,
  policy_ok: true,
  policy_detail: "Inside 'Tuesday night maintenance' (10:00 pm–midnight, Australia/Sydney).",
  override_reason: null,
  window_id: ids.maintenanceWindow,
};

const gates = [
  {
    id: "staging_tests_passed",
    stage: "pre_deployment_verification",
    ok: true,
    detail: "All 3 staging suites passed (playwright-e2e, lighthouse, visual-regression).",
  },
  {
    id: "compliance_signed_off",
    stage: "pre_deployment_verification",
    ok: false,
    detail: "Australian Consumer Law s29 (sale prices and 'was' prices) needs a named person's sign-off.",
  },
  {
    id: "rollback_procedure_present",
    stage: "pre_deployment_verification",
    ok: true,
    detail: "3 rollback steps recorded.",
  },
  {
    id: "go_decision",
    stage: "pre_deployment_verification",
    ok: false,
    detail: "Waiting for the release manager's go.",
  },
];

const rollbackProcedure = [
  { position: 1, title: "Switch Vercel production alias back to 2.3.2", details: "vercel alias set …" },
  { position: 2, title: "Purge the CDN cache for /sale/*", details: null },
  { position: 3, title: "Tell Harbour Bikes' marketing lead the sale pages are down", details: null },
];

export const release = {
  id: ids.release,
  project_id: ids.project,
  version: names.version,
  title: names.title,
  scope:
    "New landing pages for the summer sale, a countdown banner and the sale price badges on product tiles.",
  change_log: changeLog,
  risk: "high",
  git_ref: "v2.4.0",
  commit_sha: "9f2c4e1a7b3d",
  compliance,
  stage: "pre_deployment_verification",
  status: "active",
  attempt: 1,
  row_version: 7,
  window,
  team: {
    release_manager_id: ids.releaseManager,
    members: [
      { member_id: ids.engineer, name: names.engineer, role: "engineer" },
      { member_id: ids.approver, name: names.approver, role: "approver" },
    ],
  },
  test_plan: [
    { stage: "staging", suite: "playwright-e2e", description: "Checkout with a sale price applied" },
    { stage: "smoke", suite: "smoke-prod", description: null },
    { stage: "uat", suite: "client-uat", description: "Harbour Bikes' marketing team signs the pages off" },
  ],
  rollback_procedure: rollbackProcedure,
  monitoring_dashboards: [
    { name: "Vercel — harbourbikes.com.au", url: "https://vercel.com/paddock-and-pixel/harbourbikes-web" },
  ],
  gates,
  pending_decision: null,
  recommendation: {
    recommendation: "no_go",
    reasons: [
      {
        code: "compliance_signed_off",
        effect: "blocks",
        message:
          "Australian Consumer Law s29 (sale prices and 'was' prices) needs a named person's sign-off.",
      },
      {
        code: "high_risk",
        effect: "cautions",
        message: "High-risk release: deploy in a maintenance window with the rollback procedure at hand.",
      },
    ],
  },
  created_at: times.releaseCreated,
  updated_at: times.updated,
};

const releaseSummary = {
  id: ids.release,
  project_id: ids.project,
  version: names.version,
  title: names.title,
  risk: "high",
  stage: "pre_deployment_verification",
  status: "active",
  attempt: 1,
  window_starts_at: times.windowStarts,
  window_ends_at: times.windowEnds,
  created_at: times.releaseCreated,
  updated_at: times.updated,
};

/** After the go inside the window: deployment has started. */
const afterGo = {
  ...release,
  stage: "deployment_execution",
  row_version: 8,
  gates: [
    {
      id: "deployment_completed",
      stage: "deployment_execution",
      ok: false,
      detail: "No deployment_completed report yet.",
    },
  ],
  recommendation: null,
  updated_at: times.windowStarts,
};

const testResult = {
  id: ids.testResult,
  attempt: 1,
  stage: "staging",
  suite: "playwright-e2e",
  status: "passed",
  url: "https://github.com/paddock-and-pixel/harbourbikes-web/actions/runs/7391046215",
  source: "github",
  reported_by: null,
  created_at: "2026-12-02T06:14:51.000Z",
};

const deploymentLogEntry = {
  id: ids.deploymentLogEntry,
  attempt: 1,
  kind: "deployment_completed",
  detail: "Vercel production deployment dpl_8kT2 promoted.",
  url: "https://vercel.com/paddock-and-pixel/harbourbikes-web/deployments",
  rollback_position: null,
  rollback_outcome: null,
  source: "api",
  recorded_by: ids.engineer,
  created_at: "2026-12-08T11:18:40.000Z",
};

const goEvent = {
  id: ids.event,
  seq: 14,
  attempt: 1,
  type: "go_no_go_decided",
  actor: {
    kind: "member",
    member_id: ids.releaseManager,
    name: names.releaseManager,
    role: "release_manager",
  },
  data: {
    decided_by: { kind: "member", member_id: ids.releaseManager },
    capacity: "release_manager",
    rationale: "ACL sign-off received from Tom; staging green; inside the Tuesday window.",
    outcome: "go",
    recommendation: "go",
    recommendation_reasons: [{ code: "low_risk", effect: "supports", message: "Low-risk release." }],
    followed_recommendation: true,
    return_to: null,
    rule: "go_in_window",
  },
  before: { stage: "pre_deployment_verification", status: "active", attempt: 1 },
  after: { stage: "deployment_execution", status: "active", attempt: 1 },
  request_id: ids.request,
  created_at: times.windowStarts,
};

const smokeEvent = {
  id: ids.secondEvent,
  seq: 16,
  attempt: 1,
  type: "test_result_recorded",
  actor: { kind: "system", name: "ci" },
  data: {
    reported_by: { kind: "system", name: "ci" },
    capacity: "ci",
    stage: "smoke",
    suite: "smoke-prod",
    status: "passed",
    url: "https://github.com/paddock-and-pixel/harbourbikes-web/actions/runs/7391188402",
    external_id: "github:7391188402:1",
    rule: "record_test_result",
  },
  before: null,
  after: null,
  request_id: null,
  created_at: "2026-12-08T11:24:03.000Z",
};

export const releaseExamples: Record<string, unknown> = {
  Release: release,
  ReleasePage: pageOf([releaseSummary]),
  ReleaseCreate: {
    project_id: ids.project,
    version: names.version,
    title: names.title,
    scope: release.scope,
    change_log: changeLog.map((entry) => ({ ...entry, public: entry.kind !== "chore" })),
    risk: "high",
    git_ref: "v2.4.0",
    commit_sha: "9f2c4e1a7b3d",
    compliance,
  },
  ReleasePatch: { scope: `${release.scope} Includes the Afterpay messaging on sale tiles.` },
  ReleaseTeam: {
    release_manager_id: ids.releaseManager,
    members: [
      { member_id: ids.engineer, role: "engineer" },
      { member_id: ids.approver, role: "approver" },
    ],
  },
  WindowBooking: { window_id: ids.maintenanceWindow, occurrence_starts_at: times.windowStarts },
  Transition: { to: "pre_deployment_verification", reason: "Scope, change log and window are settled." },
  Decision: {
    kind: "go_no_go",
    outcome: "go",
    rationale: "ACL sign-off received from Tom; staging green; inside the Tuesday window.",
  },
  Reason: { reason: "Harbour Bikes moved the sale launch to January; cancelling this release." },
  TestResultCreate: {
    stage: "staging",
    suite: "playwright-e2e",
    status: "passed",
    url: testResult.url,
  },
  TestResultPage: pageOf([testResult]),
  DeploymentReport: {
    kind: "deployment_completed",
    detail: "Vercel production deployment dpl_8kT2 promoted.",
  },
  DeploymentLogPage: pageOf([deploymentLogEntry]),
  RollbackStepReport: { position: 1, outcome: "done", note: "Alias back on 2.3.2 at 10:41 pm." },
  ReleaseEventPage: pageOf([goEvent, smokeEvent]),
  ReleaseAfterCommand: {
    ...afterGo,
    result: {
      rule: "go_in_window",
      capacity: "release_manager",
      next: { stage: "deployment_execution", status: "active", attempt: 1 },
      events: ["go_no_go_decided", "stage_changed"],
    },
  },
  ReleaseAfterEdit: { ...release, row_version: 8, result: null },
  ReleaseAfterWindow: {
    ...release,
    row_version: 8,
    result: {
      booked: {
        starts_at: times.windowStarts,
        ends_at: times.windowEnds,
        window_id: ids.maintenanceWindow,
        windows: ["Tuesday night maintenance"],
        allowed_until: "2026-12-08T13:00:00.000Z",
      },
    },
  },
};
