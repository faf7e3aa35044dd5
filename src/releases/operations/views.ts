import type {
  ChecklistItemRow,
  correctiveActions,
  DashboardJson,
  investigations,
  issueReports,
  signOffs,
} from "../../db/schema";

// How the release's facts look in API responses. Operations return these as
// their `result` (plain JSON: it crosses RPC and is stored for idempotent
// replays) and the read routes present rows the same way.

const iso = (value: Date | null) => value?.toISOString() ?? null;

export function presentChecklistItem(row: ChecklistItemRow) {
  return {
    id: row.id,
    attempt: row.attempt,
    position: row.position,
    key: row.key,
    title: row.title,
    guidance: row.description,
    stage: row.stage,
    category: row.category,
    required: row.required,
    status: row.status,
    completed_by: row.completedBy,
    completed_at: iso(row.completedAt),
    evidence_url: row.evidenceUrl,
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentIssue(row: typeof issueReports.$inferSelect) {
  return {
    id: row.id,
    attempt: row.attempt,
    severity: row.severity,
    description: row.description,
    link: row.link,
    status: row.status,
    raised_by: row.raisedBy,
    closed_by: row.closedBy,
    closed_at: iso(row.closedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentSignOff(row: typeof signOffs.$inferSelect) {
  return {
    id: row.id,
    attempt: row.attempt,
    signer_id: row.signerId,
    contact_id: row.contactId,
    decision: row.decision,
    note: row.note,
    created_at: row.createdAt.toISOString(),
  };
}

export function presentCorrectiveAction(row: typeof correctiveActions.$inferSelect) {
  return {
    id: row.id,
    attempt: row.attempt,
    description: row.description,
    status: row.status,
    owner_id: row.ownerId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentInvestigation(
  row: typeof investigations.$inferSelect,
  actions: (typeof correctiveActions.$inferSelect)[],
) {
  return {
    attempt: row.attempt,
    status: row.status,
    summary: row.summary,
    corrective_actions: actions.map(presentCorrectiveAction),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentMonitoring(facts: {
  dashboards: DashboardJson[];
  confirmedBy: string | null;
  confirmedAt: Date | string | null;
}) {
  const at = facts.confirmedAt;
  return {
    dashboards: facts.dashboards,
    confirmed_by: facts.confirmedBy,
    confirmed_at: at === null ? null : typeof at === "string" ? at : at.toISOString(),
  };
}

export function presentNotes(facts: { markdown: string | null; publishedAt: Date | string | null }) {
  const at = facts.publishedAt;
  return {
    markdown: facts.markdown,
    published_at: at === null ? null : typeof at === "string" ? at : at.toISOString(),
  };
}
