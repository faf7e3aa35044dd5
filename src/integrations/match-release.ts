import type { StatementQueue } from "../db/pipeline/statement-queue";
import type { CiEventSubject } from "../domain/ci-events";

export interface MatchedRelease {
  id: string;
  project_id: string;
  matched_by: "sha" | "ref";
}

/** A recorded delivery to process: its row and what its event names. */
export interface DeliveryToMatch {
  deliveryRowId: string;
  integrationId: string;
  subject: Pick<CiEventSubject, "repository" | "sha" | "ref">;
}

export interface DeliveryMatch {
  /** The delivery still waits for processing (not yet given an outcome by another offer). */
  waiting: boolean;
  /** Its release, looked for only while it waits. */
  release: MatchedRelease | undefined;
}

/**
 * For each delivery, in one statement: whether it still waits, and the release its event belongs
 * to, among the projects linked to its integration whose `repository` is the event's repository,
 * skipping closed and cancelled releases:
 * 1. the newest whose commit_sha matches the event's SHA (either may be abbreviated: a prefix
 *    match of at least 7 hex characters, as git itself accepts);
 * 2. otherwise the newest whose git_ref is the event's ref (branch or tag), but only among
 *    releases that name no commit_sha: a release pinned to a commit never takes results from
 *    another commit that happens to be on the same branch.
 * Runs in the deliveries' tenant scope, so row-level security applies as for any request. The
 * deliveries travel as arrays, so a queue batch of ten costs one statement, not twenty.
 */
const MATCH_DELIVERIES = `
  select j.ord, w.id is not null as waiting, m.id, m.project_id, m.matched_by
  from unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[]) with ordinality
    as j(delivery_row_id, integration_id, repository, sha, ref, ord)
  left join webhook_deliveries w
    on w.tenant_id = $1 and w.id = j.delivery_row_id and w.pending_job is not null
  left join lateral (
    select r.id, r.project_id,
      case when r.commit_sha is not null
             and (starts_with(r.commit_sha, j.sha) or starts_with(j.sha, r.commit_sha))
           then 'sha' else 'ref' end as matched_by
    from releases r
    join integration_projects ip
      on ip.tenant_id = r.tenant_id and ip.project_id = r.project_id and ip.integration_id = j.integration_id
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    where w.id is not null
      and r.tenant_id = $1
      and lower(p.repository) = j.repository
      and r.status not in ('closed', 'cancelled')
      and (
        (r.commit_sha is not null
          and (starts_with(r.commit_sha, j.sha) or starts_with(j.sha, r.commit_sha)))
        or (r.commit_sha is null and j.ref is not null and r.git_ref = j.ref)
      )
    order by (r.commit_sha is not null) desc, r.created_at desc, r.id desc
    limit 1
  ) m on true
  order by j.ord`;

interface MatchRow {
  waiting: boolean;
  id: string | null;
  project_id: string | null;
  matched_by: "sha" | "ref" | null;
}

/** One tenant's deliveries, matched in one statement; the answers are in the deliveries' order. */
export async function matchDeliveries(
  queue: StatementQueue,
  tenantId: string,
  deliveries: readonly DeliveryToMatch[],
): Promise<DeliveryMatch[]> {
  const answer = queue.sendAhead(MATCH_DELIVERIES, [
    tenantId,
    deliveries.map((delivery) => delivery.deliveryRowId),
    deliveries.map((delivery) => delivery.integrationId),
    deliveries.map((delivery) => delivery.subject.repository),
    deliveries.map((delivery) => delivery.subject.sha),
    deliveries.map((delivery) => delivery.subject.ref ?? null),
  ]);
  answer.catch(() => undefined);
  await queue.flush();
  const rows = (await answer).rows as MatchRow[];
  return rows.map((row) => ({
    waiting: row.waiting,
    release:
      row.id !== null && row.project_id !== null && row.matched_by !== null
        ? { id: row.id, project_id: row.project_id, matched_by: row.matched_by }
        : undefined,
  }));
}
