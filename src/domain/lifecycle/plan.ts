/**
 * The release plan document: client and project, scope, change log, window in the client's (else
 * the agency's) zone, team, monitoring, communication list, rollback procedure, test plan and
 * checklist. Built as a JSON-able object, and rendered from that object as markdown, so both forms
 * always say the same thing. Local times come from a formatter the caller passes in (the app owns
 * time-zone maths); facts the lifecycle snapshot does not carry come in `PlanContext`.
 */

import { COMPLIANCE_CATEGORIES } from "./gates";
import type { GoNoGoRecommendation } from "./recommendation";
import type {
  ChangeLogEntry,
  ChecklistCategory,
  ChecklistItemStatus,
  ComplianceFlags,
  ReleaseSnapshot,
  Risk,
  RollbackProcedureStep,
  TeamRole,
  TestStage,
} from "./snapshot";
import { STAGE_LABELS, STAGES, type Stage, type Status } from "./stages";

export interface PlanFormatting {
  /** The go/no-go recommendation to show while the decision is due; null (or absent) otherwise. */
  recommendation?: GoNoGoRecommendation | null;
  /** IANA zone the local times are in, e.g. "Australia/Sydney" (the same name the release uses). */
  timezone: string;
  /** Formats an RFC 3339 instant as local wall-clock time in `timezone`, e.g. "Sat 14 Mar 2026, 22:00 AEDT". */
  formatLocal: (instant: string) => string;
}

/** Someone on the communication list, as the plan shows them: no addresses (the plan gets shared). */
export interface PlanRecipient {
  kind: "contact" | "member";
  role: string;
  name: string | null;
  will_receive: { factual: boolean; commercial: boolean };
}

/** What the plan shows beyond the lifecycle snapshot. */
export interface PlanContext {
  client: { id: string; name: string };
  project: { id: string; name: string };
  monitoring_dashboards: Array<{ name: string; url: string }>;
  communication: PlanRecipient[];
  /** Whether a change log entry is shown to clients (the release notes rule). */
  isPublic: (entry: ChangeLogEntry) => boolean;
}

export interface PlanPerson {
  member_id: string;
  name: string;
}

export interface ReleasePlan {
  release: {
    id: string;
    version: string;
    title: string;
    git_ref: string | null;
    commit_sha: string | null;
    risk: Risk;
    attempt: number;
    stage: Stage;
    status: Status;
  };
  client: { id: string; name: string };
  project: { id: string; name: string };
  /** The zone of every local time in the plan: the client's, else the agency's. */
  timezone: string;
  compliance: { flags: ComplianceFlags; laws: string[] };
  scope: string;
  change_log: Array<ChangeLogEntry & { public: boolean }>;
  window: {
    starts_at: string;
    ends_at: string;
    starts_local: string;
    ends_local: string;
    timezone: string;
    confirmed: boolean;
    policy_ok: boolean;
  } | null;
  team: {
    release_manager: PlanPerson | null;
    engineers: PlanPerson[];
    testers: PlanPerson[];
    approvers: PlanPerson[];
  };
  monitoring: {
    dashboards: Array<{ name: string; url: string }>;
    confirmed_by: string | null;
    confirmed_at: string | null;
    confirmed_local: string | null;
  };
  communication: PlanRecipient[];
  rollback_procedure: RollbackProcedureStep[];
  go_no_go: GoNoGoRecommendation | null;
  test_plan: Array<{ stage: TestStage; suites: Array<{ suite: string; description: string | null }> }>;
  checklist: Array<{
    stage: Stage;
    items: Array<{
      key: string;
      title: string;
      required: boolean;
      category: ChecklistCategory;
      status: ChecklistItemStatus;
    }>;
  }>;
}

const TEST_STAGE_ORDER: readonly TestStage[] = ["staging", "smoke", "verification", "uat"];

const TEST_STAGE_TITLES: Record<TestStage, string> = {
  staging: "Staging",
  smoke: "Smoke tests (production)",
  verification: "Post-deployment verification",
  uat: "User acceptance",
};

function people(snapshot: ReleaseSnapshot, role: TeamRole): PlanPerson[] {
  return snapshot.team.members
    .filter((member) => member.role === role)
    .map((member) => ({ member_id: member.member_id, name: member.name }));
}

function releaseManager(snapshot: ReleaseSnapshot): PlanPerson | null {
  const id = snapshot.team.release_manager_id;
  if (id === null) return null;
  const member = snapshot.team.members.find((m) => m.member_id === id);
  // The manager may not be repeated in the members list; the id alone still identifies them.
  return { member_id: id, name: member?.name ?? id };
}

export function buildReleasePlan(
  snapshot: ReleaseSnapshot,
  formatting: PlanFormatting,
  context: PlanContext,
): ReleasePlan {
  const { release, window } = snapshot;
  return {
    release: {
      id: release.id,
      version: release.version,
      title: release.title,
      git_ref: release.git_ref,
      commit_sha: release.commit_sha,
      risk: release.risk,
      attempt: release.attempt,
      stage: release.stage,
      status: release.status,
    },
    client: { ...context.client },
    project: { ...context.project },
    timezone: formatting.timezone,
    compliance: {
      flags: { ...release.compliance },
      laws: COMPLIANCE_CATEGORIES.filter((entry) => release.compliance[entry.flag]).map((entry) => entry.law),
    },
    scope: release.scope,
    change_log: release.change_log.map((entry) => ({ ...entry, public: context.isPublic(entry) })),
    window:
      window === null
        ? null
        : {
            starts_at: window.starts_at,
            ends_at: window.ends_at,
            starts_local: formatting.formatLocal(window.starts_at),
            ends_local: formatting.formatLocal(window.ends_at),
            timezone: formatting.timezone,
            confirmed: window.confirmed,
            policy_ok: window.policy_ok,
          },
    team: {
      release_manager: releaseManager(snapshot),
      engineers: people(snapshot, "engineer"),
      testers: people(snapshot, "tester"),
      approvers: people(snapshot, "approver"),
    },
    monitoring: {
      dashboards: context.monitoring_dashboards.map((dashboard) => ({ ...dashboard })),
      confirmed_by: snapshot.monitoring?.confirmed_by ?? null,
      confirmed_at: snapshot.monitoring?.confirmed_at ?? null,
      confirmed_local: snapshot.monitoring ? formatting.formatLocal(snapshot.monitoring.confirmed_at) : null,
    },
    communication: context.communication.map((entry) => ({
      ...entry,
      will_receive: { ...entry.will_receive },
    })),
    rollback_procedure: [...snapshot.rollback_procedure]
      .sort((a, b) => a.position - b.position)
      .map((step) => ({ ...step })),
    go_no_go: formatting.recommendation ?? null,
    test_plan: TEST_STAGE_ORDER.map((stage) => ({
      stage,
      suites: snapshot.test_plan
        .filter((entry) => entry.stage === stage)
        .map((entry) => ({ suite: entry.suite, description: entry.description })),
    })).filter((group) => group.suites.length > 0),
    checklist: STAGES.map((stage) => ({
      stage,
      items: snapshot.checklist
        .filter((item) => item.stage === stage)
        .map((item) => ({
          key: item.key,
          title: item.title,
          required: item.required,
          category: item.category,
          status: item.status,
        })),
    })).filter((group) => group.items.length > 0),
  };
}

/** One line of user text inside markdown structure: no line breaks, no stray table pipes. */
function inline(text: string): string {
  // Split on line breaks and trim each piece: a pattern with \s* on both sides of the breaks
  // would rescan long runs of spaces (npm run lint:regex).
  return text
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ")
    .replace(/\|/g, "\\|");
}

function names(list: readonly PlanPerson[]): string {
  return list.length === 0 ? "_none_" : list.map((person) => inline(person.name)).join(", ");
}

function checkbox(status: ChecklistItemStatus): string {
  return status === "open" ? "[ ]" : "[x]";
}

export function renderReleasePlanMarkdown(plan: ReleasePlan): string {
  const { release } = plan;
  const lines: string[] = [
    `# Release plan: ${inline(release.title)} ${inline(release.version)}`,
    "",
    "| | |",
    "|---|---|",
    `| Client | ${inline(plan.client.name)} |`,
    `| Project | ${inline(plan.project.name)} |`,
    `| Version | ${inline(release.version)} |`,
    `| Git ref | ${release.git_ref === null ? "—" : `\`${inline(release.git_ref)}\``} |`,
    `| Commit | ${release.commit_sha === null ? "—" : `\`${inline(release.commit_sha)}\``} |`,
    `| Risk | ${release.risk} |`,
    `| Attempt | ${release.attempt} |`,
    `| Stage | ${STAGE_LABELS[release.stage]} (${release.status}) |`,
    `| Compliance | ${plan.compliance.laws.length === 0 ? "none flagged" : plan.compliance.laws.join(", ")} |`,
    "",
    "## Scope",
    "",
    plan.scope.trim() === "" ? "_No scope written yet._" : plan.scope.trim(),
    "",
    "## Change log",
    "",
  ];
  if (plan.change_log.length === 0) lines.push("_Empty._");
  for (const entry of plan.change_log) {
    const kind = entry.kind === null ? "" : `**${inline(entry.kind)}**: `;
    const reference = entry.reference === null ? "" : ` (${inline(entry.reference)})`;
    const audience = entry.public ? "" : " _(internal)_";
    lines.push(`- ${kind}${inline(entry.summary)}${reference}${audience}`);
  }

  lines.push("", "## Deployment window", "");
  if (plan.window === null) lines.push("_No window chosen yet._");
  else {
    const w = plan.window;
    lines.push(
      `- Starts: ${w.starts_local} (${w.timezone}); ${w.starts_at} UTC`,
      `- Ends: ${w.ends_local} (${w.timezone}); ${w.ends_at} UTC`,
      `- Confirmed: ${w.confirmed ? "yes" : "no"}`,
      `- Allowed for a ${release.risk}-risk release: ${w.policy_ok ? "yes" : "no"}`,
    );
  }

  lines.push(
    "",
    "## Team",
    "",
    `- Release manager: ${plan.team.release_manager === null ? "_not assigned_" : inline(plan.team.release_manager.name)}`,
    `- Engineers: ${names(plan.team.engineers)}`,
    `- Testers: ${names(plan.team.testers)}`,
    `- Approvers: ${names(plan.team.approvers)}`,
    "",
    "## Monitoring",
    "",
  );
  if (plan.monitoring.dashboards.length === 0) lines.push("_No dashboards yet._");
  for (const dashboard of plan.monitoring.dashboards) {
    const url = inline(dashboard.url).replace(/[<>]/g, encodeURIComponent);
    lines.push(`- [${inline(dashboard.name).replace(/[[\]]/g, "")}](<${url}>)`);
  }
  if (plan.monitoring.confirmed_local !== null) {
    lines.push("", `Monitoring confirmed ${plan.monitoring.confirmed_local} (${plan.timezone}).`);
  }

  lines.push("", "## Communication", "");
  if (plan.communication.length === 0) lines.push("_Nobody on the communication list yet._");
  for (const entry of plan.communication) {
    const who = entry.name === null ? `_${entry.kind}_` : inline(entry.name);
    const hears = entry.will_receive.commercial
      ? "all messages"
      : entry.will_receive.factual
        ? "factual messages only"
        : "no messages";
    lines.push(`- ${who} (${inline(entry.role)}): ${hears}`);
  }

  lines.push("", "## Rollback procedure", "");
  if (plan.rollback_procedure.length === 0) lines.push("_No rollback procedure yet._");
  plan.rollback_procedure.forEach((step, index) => {
    const details = step.details === null || step.details.trim() === "" ? "" : `: ${inline(step.details)}`;
    lines.push(`${index + 1}. ${inline(step.title)}${details}`);
  });

  if (plan.go_no_go !== null) {
    lines.push(
      "",
      "## Go/no-go recommendation",
      "",
      `**${plan.go_no_go.recommendation === "go" ? "Go" : "No-go"}**`,
      "",
    );
    for (const reason of plan.go_no_go.reasons) lines.push(`- ${reason.effect}: ${inline(reason.message)}`);
  }

  lines.push("", "## Test plan", "");
  if (plan.test_plan.length === 0) lines.push("_No test plan yet._");
  for (const group of plan.test_plan) {
    lines.push(`### ${TEST_STAGE_TITLES[group.stage]}`, "");
    for (const suite of group.suites) {
      const description = suite.description === null ? "" : `: ${inline(suite.description)}`;
      lines.push(`- \`${inline(suite.suite)}\`${description}`);
    }
    lines.push("");
  }
  if (plan.test_plan.length > 0) lines.pop();

  lines.push("", "## Checklist", "");
  if (plan.checklist.length === 0) lines.push("_No checklist yet._");
  for (const group of plan.checklist) {
    lines.push(`### ${STAGE_LABELS[group.stage]}`, "");
    for (const item of group.items) {
      const notes = [item.required ? null : "optional", item.status === "n_a" ? "n/a" : null]
        .concat(item.category === "general" ? [] : [`compliance: ${item.category}`])
        .filter((note) => note !== null);
      const suffix = notes.length === 0 ? "" : ` _(${notes.join("; ")})_`;
      lines.push(`- ${checkbox(item.status)} ${inline(item.title)}${suffix}`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
