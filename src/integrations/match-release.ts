import { sql } from "drizzle-orm";
import type { Tx } from "../db/scope";
import type { CiEventSubject } from "../domain/ci-events";

export interface MatchedRelease {
  id: string;
  project_id: string;
  matched_by: "sha" | "ref";
}

/**
 * Finds the release a CI event belongs to, among the projects linked to the integration whose
 * `repository` is the event's repository, skipping closed and cancelled releases:
 * 1. the newest whose commit_sha matches the event's SHA (either may be abbreviated: a prefix
 *    match of at least 7 hex characters, as git itself accepts);
 * 2. otherwise the newest whose git_ref is the event's ref (branch or tag), but only among
 *    releases that name no commit_sha: a release pinned to a commit never takes results from
 *    another commit that happens to be on the same branch.
 * Runs in the integration's tenant scope, so row-level security applies as for any request.
 */
export async function matchRelease(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  subject: Pick<CiEventSubject, "repository" | "sha" | "ref">,
): Promise<MatchedRelease | undefined> {
  const result = await tx.execute(sql`
    select r.id, r.project_id,
      case when r.commit_sha is not null
             and (starts_with(r.commit_sha, ${subject.sha}) or starts_with(${subject.sha}, r.commit_sha))
           then 'sha' else 'ref' end as matched_by
    from releases r
    join integration_projects ip
      on ip.tenant_id = r.tenant_id and ip.project_id = r.project_id and ip.integration_id = ${integrationId}
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    where r.tenant_id = ${tenantId}
      and lower(p.repository) = ${subject.repository}
      and r.status not in ('closed', 'cancelled')
      and (
        (r.commit_sha is not null
          and (starts_with(r.commit_sha, ${subject.sha}) or starts_with(${subject.sha}, r.commit_sha)))
        or (r.commit_sha is null and ${subject.ref}::text is not null and r.git_ref = ${subject.ref})
      )
    order by (r.commit_sha is not null) desc, r.created_at desc, r.id desc
    limit 1`);
  return result.rows[0] as MatchedRelease | undefined;
}
