import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./clients";
import { at, id, tenantId, timestamps } from "./columns";
import { members, tenants } from "./tenancy";

export interface ChangeLogEntryJson {
  summary: string;
  kind: string | null;
  reference: string | null;
  /** Shown to clients (notes page, emails)? Absent or null: decided by the kind (isPublicChange). */
  public?: boolean | null;
}
export interface ComplianceFlagsJson {
  touches_pricing_promotions_or_claims: boolean;
  touches_personal_data: boolean;
  sends_commercial_email: boolean;
}
export interface TestPlanEntryJson {
  stage: "staging" | "smoke" | "verification" | "uat";
  suite: string;
  description: string | null;
}
export interface RollbackStepJson {
  position: number;
  title: string;
  details: string | null;
}
export interface DashboardJson {
  name: string;
  url: string;
}

export const releases = pgTable(
  "releases",
  {
    id: id(),
    tenantId: tenantId(),
    projectId: uuid().notNull(),
    version: text().notNull(),
    title: text().notNull(),
    scope: text().notNull().default(""),
    changeLog: jsonb().$type<ChangeLogEntryJson[]>().notNull().default([]),
    risk: text().notNull(),
    gitRef: text(),
    commitSha: text(),
    compliance: jsonb().$type<ComplianceFlagsJson>().notNull(),
    stage: text().notNull().default("planning"),
    status: text().notNull().default("active"),
    attempt: integer().notNull().default(1),
    // Bumped by every write; the ETag, and the check that stops a write based
    // on a stale read even on a path that skipped the Durable Object.
    rowVersion: integer().notNull().default(1),
    windowStartsAt: at(),
    windowEndsAt: at(),
    windowConfirmed: boolean().notNull().default(false),
    windowPolicyOk: boolean().notNull().default(false),
    windowPolicyDetail: text(),
    // An owner may book a window the policy refuses, with a reason; kept here and in the audit trail.
    windowOverrideReason: text(),
    // Set when the slot was booked as an occurrence of a stored window.
    windowSourceId: uuid(),
    testPlan: jsonb().$type<TestPlanEntryJson[]>().notNull().default([]),
    rollbackProcedure: jsonb().$type<RollbackStepJson[]>().notNull().default([]),
    monitoringDashboards: jsonb().$type<DashboardJson[]>().notNull().default([]),
    monitoringConfirmedBy: uuid(),
    monitoringConfirmedAt: at(),
    notesMarkdown: text(),
    notesPublishedAt: at(),
    createdBy: uuid(),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "releases_project_fk",
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }),
    unique("releases_tenant_id_key").on(t.tenantId, t.id),
    uniqueIndex("releases_project_version_key").on(t.tenantId, t.projectId, t.version),
    index("releases_tenant_stage_idx").on(t.tenantId, t.stage, t.status),
    index("releases_project_commit_idx").on(t.projectId, t.commitSha),
    // The cron finds scheduled releases by window time across all agencies: its cost follows what is due.
    index("releases_scheduled_window_idx")
      .on(t.windowStartsAt, t.windowEndsAt)
      .where(sql`${t.status} = 'scheduled'`),
    check("releases_risk_check", sql`${t.risk} in ('low', 'high')`),
  ],
);

const releaseRef = (t: { tenantId: AnyPgColumn; releaseId: AnyPgColumn }, name: string) =>
  foreignKey({
    name,
    columns: [t.tenantId, t.releaseId],
    foreignColumns: [releases.tenantId, releases.id],
  }).onDelete("cascade");

export const releaseTeamMembers = pgTable(
  "release_team_members",
  {
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    memberId: uuid().notNull(),
    role: text().notNull(),
  },
  (t) => [
    primaryKey({ name: "release_team_members_pkey", columns: [t.releaseId, t.memberId, t.role] }),
    releaseRef(t, "release_team_members_release_fk"),
    foreignKey({
      name: "release_team_members_member_fk",
      columns: [t.tenantId, t.memberId],
      foreignColumns: [members.tenantId, members.id],
    }),
  ],
);

export const checklistItems = pgTable(
  "checklist_items",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    position: integer().notNull(),
    key: text().notNull(),
    title: text().notNull(),
    description: text(),
    stage: text().notNull(),
    category: text().notNull(),
    required: boolean().notNull(),
    status: text().notNull().default("open"),
    completedBy: uuid(),
    completedAt: at(),
    evidenceUrl: text(),
    ...timestamps,
  },
  (t) => [
    releaseRef(t, "checklist_items_release_fk"),
    uniqueIndex("checklist_items_release_key").on(t.releaseId, t.attempt, t.key),
  ],
);

/** Facts recorded against a release attempt: test results, deployment log, rollback steps, issues, sign-offs. */
export const testResults = pgTable(
  "test_results",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    stage: text().notNull(),
    suite: text().notNull(),
    status: text().notNull(),
    url: text(),
    source: text().notNull(),
    // The CI run or deployment this came from (e.g. "workflow_run:123"), so a late
    // "running" cannot overwrite the final result of the same run.
    externalId: text(),
    // CI's own time for the report (from the signed body): orders reports, see lifecycle.ts.
    reportedAt: at(),
    reportedBy: uuid(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    releaseRef(t, "test_results_release_fk"),
    index("test_results_release_idx").on(t.releaseId, t.attempt),
  ],
);

export const deploymentLogEntries = pgTable(
  "deployment_log_entries",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    // deployment_started | deployment_completed | deployment_failed | rollback_step | note
    kind: text().notNull(),
    detail: text(),
    url: text(),
    rollbackPosition: integer(),
    rollbackOutcome: text(),
    source: text().notNull(),
    externalId: text(),
    // CI's own time for the report (from the signed body): orders reports, see lifecycle.ts.
    reportedAt: at(),
    recordedBy: uuid(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    releaseRef(t, "deployment_log_entries_release_fk"),
    index("deployment_log_entries_release_idx").on(t.releaseId, t.attempt),
    // Delivery metrics find an agency's completed deployments by time (src/db/repositories/metrics.ts).
    index("deployment_log_entries_completed_idx")
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.kind} = 'deployment_completed'`),
  ],
);

export const issueReports = pgTable(
  "issue_reports",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    severity: text().notNull(),
    description: text().notNull(),
    link: text(),
    status: text().notNull().default("open"),
    raisedBy: uuid(),
    closedBy: uuid(),
    closedAt: at(),
    ...timestamps,
  },
  (t) => [
    releaseRef(t, "issue_reports_release_fk"),
    index("issue_reports_release_idx").on(t.releaseId, t.attempt),
  ],
);

export const signOffs = pgTable(
  "sign_offs",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    // A member approver on the team, or a client contact through an approval link: one of the two.
    signerId: uuid(),
    contactId: uuid(),
    decision: text().notNull(),
    note: text(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    releaseRef(t, "sign_offs_release_fk"),
    index("sign_offs_release_idx").on(t.releaseId, t.attempt),
    check("sign_offs_one_signer_check", sql`(${t.signerId} is null) <> (${t.contactId} is null)`),
  ],
);

export const investigations = pgTable(
  "investigations",
  {
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    status: text().notNull().default("open"),
    summary: text(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ name: "investigations_pkey", columns: [t.releaseId, t.attempt] }),
    releaseRef(t, "investigations_release_fk"),
  ],
);

export const correctiveActions = pgTable(
  "corrective_actions",
  {
    id: id(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    description: text().notNull(),
    status: text().notNull().default("open"),
    ownerId: uuid(),
    ...timestamps,
  },
  (t) => [
    releaseRef(t, "corrective_actions_release_fk"),
    index("corrective_actions_release_idx").on(t.releaseId, t.attempt),
  ],
);

/** The append-only audit trail; the database refuses UPDATE and DELETE on it. */
export const releaseEvents = pgTable(
  "release_events",
  {
    // A global sequence gives a total order even within one millisecond.
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity().primaryKey(),
    id: uuid().notNull(),
    tenantId: tenantId(),
    releaseId: uuid().notNull(),
    attempt: integer().notNull(),
    type: text().notNull(),
    actor: jsonb().notNull(),
    data: jsonb().notNull(),
    before: jsonb(),
    after: jsonb(),
    requestId: text(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    releaseRef(t, "release_events_release_fk"),
    index("release_events_release_idx").on(t.tenantId, t.releaseId, t.seq),
    // A client's monthly report lists the rollbacks started in the month.
    index("release_events_rollbacks_idx")
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.type} = 'rollback_started'`),
  ],
);

/** An agency's own checklist template; without one the built-in default applies. */
export const checklistTemplates = pgTable("checklist_templates", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  items: jsonb().notNull(),
  ...timestamps,
});

export type ReleaseRow = typeof releases.$inferSelect;
export type ChecklistItemRow = typeof checklistItems.$inferSelect;
export type ReleaseEventRow = typeof releaseEvents.$inferSelect;
