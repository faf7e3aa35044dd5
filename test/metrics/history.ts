import { sql } from "drizzle-orm";
import { inSystemScope, type Tx } from "../../src/db/scope";
import { api } from "../support/api";
import { withDatabase } from "../support/database";
import type { SeededAgency } from "../support/harness";

// A delivery history written straight into the tables with chosen times, so the metrics have
// answers worked out by hand (test/metrics/dora.test.ts). Only the tables the API writes to are
// used, with the kinds and event types the lifecycle records (the API-driven test checks those).

const COMPLIANCE = {
  touches_pricing_promotions_or_claims: false,
  touches_personal_data: false,
  sends_commercial_email: false,
};

export interface HistoryRelease {
  version: string;
  projectId: string;
  createdAt: string;
  /** CI test results (source "ci") at these signed times. */
  ciAt?: string[];
  /** Per attempt (1, 2…): the deployment_completed time, and what followed it. */
  attempts: {
    deployedAt?: string;
    rollbackStartedAt?: string;
    rollbackReason?: string;
    unstableAt?: string;
    rollbackCompletedAt?: string;
    rollbackFailedAt?: string;
  }[];
  windowStartsAt?: string;
  windowEndsAt?: string;
}

async function event(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  attempt: number,
  type: string,
  at: string,
  data: object = {},
) {
  await tx.execute(sql`
    insert into release_events (id, tenant_id, release_id, attempt, type, actor, data, created_at)
    values (gen_random_uuid(), ${tenantId}, ${releaseId}, ${attempt}, ${type},
      ${JSON.stringify({ kind: "system", name: "ci" })}::jsonb, ${JSON.stringify(data)}::jsonb, ${at})
  `);
}

async function insertRelease(tx: Tx, tenantId: string, release: HistoryRelease): Promise<string> {
  const result = await tx.execute(sql`
    insert into releases (id, tenant_id, project_id, version, title, risk, compliance, attempt, status,
      window_starts_at, window_ends_at, created_at, updated_at)
    values (gen_random_uuid(), ${tenantId}, ${release.projectId}, ${release.version},
      ${`Release ${release.version}`}, 'low', ${JSON.stringify(COMPLIANCE)}::jsonb,
      ${release.attempts.length || 1}, 'active', ${release.windowStartsAt ?? null}, ${release.windowEndsAt ?? null},
      ${release.createdAt}, ${release.createdAt})
    returning id
  `);
  const id = (result.rows[0] as { id: string }).id;
  for (const at of release.ciAt ?? []) {
    await tx.execute(sql`
      insert into test_results (id, tenant_id, release_id, attempt, stage, suite, status, source, reported_at, created_at)
      values (gen_random_uuid(), ${tenantId}, ${id}, 1, 'staging', 'e2e', 'passed', 'ci', ${at}, ${at}::timestamptz + interval '1 minute')
    `);
  }
  for (const [index, attempt] of release.attempts.entries()) {
    const n = index + 1;
    if (attempt.deployedAt) {
      await tx.execute(sql`
        insert into deployment_log_entries (id, tenant_id, release_id, attempt, kind, source, created_at)
        values (gen_random_uuid(), ${tenantId}, ${id}, ${n}, 'deployment_completed', 'api', ${attempt.deployedAt})
      `);
    }
    if (attempt.unstableAt) {
      await event(tx, tenantId, id, n, "stability_decided", attempt.unstableAt, { outcome: "unstable" });
    }
    if (attempt.rollbackStartedAt) {
      await event(tx, tenantId, id, n, "rollback_started", attempt.rollbackStartedAt, {
        trigger: attempt.unstableAt ? "unstable_decision" : "rollback_decision",
        rationale: attempt.rollbackReason ?? "Errors up",
      });
    }
    if (attempt.rollbackCompletedAt) {
      await event(tx, tenantId, id, n, "rollback_completed", attempt.rollbackCompletedAt, { steps: 1 });
    }
    if (attempt.rollbackFailedAt) {
      await event(tx, tenantId, id, n, "rollback_failed", attempt.rollbackFailedAt, { severity: "critical" });
    }
  }
  return id;
}

/** Writes the releases for the agency; returns their ids by version. */
export async function writeHistory(
  agency: SeededAgency,
  releases: HistoryRelease[],
): Promise<Record<string, string>> {
  return withDatabase((database) =>
    inSystemScope(database, async (tx) => {
      const ids: Record<string, string> = {};
      for (const release of releases)
        ids[release.version] = await insertRelease(tx, agency.tenantId, release);
      return ids;
    }),
  );
}

/** A second client with one project, through the API. */
export async function addClientWithProject(agency: SeededAgency, name: string) {
  const client = await api("/v1/clients", { token: agency.tokens.owner, body: { name } });
  if (client.status !== 201) throw new Error(client.text);
  const project = await api("/v1/projects", {
    token: agency.tokens.owner,
    body: { client_id: client.body.id, name: `${name} app` },
  });
  if (project.status !== 201) throw new Error(project.text);
  return { clientId: client.body.id as string, projectId: project.body.id as string };
}
