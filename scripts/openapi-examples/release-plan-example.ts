import { release } from "./release-examples";
import { ids, names, times } from "./world";

// GET /v1/releases/{id}/plan as JSON: the shareable plan, every time in the client's zone and no
// email addresses.

const person = (member_id: string, name: string) => ({ member_id, name });

export const releasePlanExample = {
  release: {
    id: ids.release,
    version: names.version,
    title: names.title,
    git_ref: release.git_ref,
    commit_sha: release.commit_sha,
    risk: release.risk,
    attempt: 1,
    stage: release.stage,
    status: release.status,
  },
  client: { id: ids.client, name: names.client },
  project: { id: ids.project, name: names.project },
  timezone: names.timezone,
  compliance: {
    flags: release.compliance,
    laws: ["Australian Consumer Law (Competition and Consumer Act 2010, Sch. 2) ss 18, 29, 48"],
  },
  scope: release.scope,
  change_log: release.change_log.map((entry) => ({ ...entry, public: entry.kind !== "chore" })),
  window: {
    starts_at: times.windowStarts,
    ends_at: times.windowEnds,
    starts_local: "Tue 8 Dec 2026, 10:00 pm AEDT",
    ends_local: "Tue 8 Dec 2026, 11:30 pm AEDT",
    timezone: names.timezone,
    confirmed: true,
    policy_ok: true,
  },
  team: {
    release_manager: person(ids.releaseManager, names.releaseManager),
    engineers: [person(ids.engineer, names.engineer)],
    testers: [],
    approvers: [person(ids.approver, names.approver)],
  },
  monitoring: {
    dashboards: release.monitoring_dashboards,
    confirmed_by: null,
    confirmed_at: null,
    confirmed_local: null,
  },
  communication: [
    {
      kind: "contact",
      role: "Marketing lead",
      name: names.contact,
      will_receive: { factual: true, commercial: false },
    },
    {
      kind: "member",
      role: "Release manager",
      name: names.releaseManager,
      will_receive: { factual: true, commercial: false },
    },
  ],
  rollback_procedure: release.rollback_procedure,
  go_no_go: {
    recommendation: "no_go",
    reasons: release.recommendation.reasons,
  },
  test_plan: [
    {
      stage: "staging",
      suites: [{ suite: "playwright-e2e", description: "Checkout with a sale price applied" }],
    },
    { stage: "smoke", suites: [{ suite: "smoke-prod", description: null }] },
    {
      stage: "uat",
      suites: [{ suite: "client-uat", description: "Harbour Bikes' marketing team signs the pages off" }],
    },
  ],
  checklist: [
    {
      stage: "pre_deployment_verification",
      items: [
        {
          key: "backups_verified",
          title: "Database and media backups verified",
          required: true,
          category: "general",
          status: "done",
        },
        {
          key: "acl_s29_price_claims",
          title: "Sale and 'was' prices are genuine (ACL s29)",
          required: true,
          category: "acl",
          status: "open",
        },
      ],
    },
  ],
};
