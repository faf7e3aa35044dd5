import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { ChangeLogEntryJson } from "../schema";
import { type ApprovalRequestRow, approvalRequests } from "../schema";
import type { Tx } from "../scope";

export async function listApprovalRequestRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  after: string | undefined,
  limit: number,
): Promise<ApprovalRequestRow[]> {
  return tx
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.tenantId, tenantId),
        eq(approvalRequests.releaseId, releaseId),
        after ? gt(approvalRequests.id, after) : undefined,
      ),
    )
    .orderBy(asc(approvalRequests.id))
    .limit(limit + 1);
}

export async function findApprovalRequest(
  tx: Tx,
  tenantId: string,
  requestId: string,
): Promise<ApprovalRequestRow | undefined> {
  const [row] = await tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.tenantId, tenantId), eq(approvalRequests.id, requestId)));
  return row;
}

/** Everything the client's page shows, in one query: no person's name or address beyond the agency's identification. */
export interface ApprovalPageData {
  id: string;
  release_id: string;
  contact_id: string;
  kind: "sign_off" | "uat";
  status: "pending" | "decided" | "withdrawn";
  message: string | null;
  expires_at: string;
  decision: string | null;
  decided_at: string | null;
  request_attempt: number;
  agency_name: string;
  sender_email: string | null;
  sender_email_confirmed: boolean;
  sender_phone: string | null;
  sender_postal_address: string | null;
  client_name: string;
  timezone: string;
  project_name: string;
  version: string;
  title: string;
  stage: string;
  status_of_release: string;
  attempt: number;
  window_starts_at: string | null;
  window_ends_at: string | null;
  change_log: ChangeLogEntryJson[];
  test_results: { stage: string; suite: string; status: string }[];
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export async function loadApprovalPage(
  tx: Tx,
  tenantId: string,
  requestId: string,
): Promise<ApprovalPageData | undefined> {
  const result = await tx.execute(sql`
    select ar.id, ar.release_id, ar.contact_id, ar.kind, ar.status, ar.message, ${iso("ar.expires_at")} as expires_at,
      ar.decision, ${iso("ar.decided_at")} as decided_at, ar.attempt as request_attempt,
      coalesce(t.sender_name, t.name) as agency_name, t.sender_email,
      (t.sender_email_confirmed_at is not null) as sender_email_confirmed, t.sender_phone, t.sender_postal_address,
      c.name as client_name, coalesce(c.timezone, t.timezone) as timezone, p.name as project_name,
      r.version, r.title, r.stage, r.status as status_of_release, r.attempt,
      ${iso("r.window_starts_at")} as window_starts_at, ${iso("r.window_ends_at")} as window_ends_at, r.change_log,
      coalesce((select json_agg(json_build_object('stage', tr.stage, 'suite', tr.suite, 'status', tr.status)
                 order by tr.created_at, tr.id)
        from test_results tr where tr.tenant_id = r.tenant_id and tr.release_id = r.id and tr.attempt = r.attempt),
        '[]') as test_results
    from approval_requests ar
    join releases r on r.tenant_id = ar.tenant_id and r.id = ar.release_id
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
    join tenants t on t.id = ar.tenant_id
    where ar.tenant_id = ${tenantId} and ar.id = ${requestId}`);
  return result.rows[0] as ApprovalPageData | undefined;
}
