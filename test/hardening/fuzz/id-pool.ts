import type { World } from "../support/world";

// Which existing ids a UUID field or parameter should draw from, judged by
// its name the way the API names them: `project_id`/`project_ids` → the
// world's project, any other `…_id` or `…_by` that names no collection (an
// owner, an approver, a release manager) → a member. Random UUIDs are mixed
// in by the generator; this only makes valid requests reach the handlers
// instead of stopping at "no such project".
export function idPool(world: World): (name: string | undefined) => readonly string[] {
  const members = Object.values(world.agency.members).map((member) => member.id);
  const byCollection: Record<string, string[]> = {};
  for (const [collection, id] of Object.entries(world.byCollection)) byCollection[collection] = [id];
  byCollection.releases = [world.releaseId, world.publishedReleaseId];
  byCollection.members = [...members, world.spare.memberId];
  const everything = [...new Set(Object.values(byCollection).flat())];
  return (name) => {
    if (!name) return everything;
    const stem = name.replace(/_ids?$/, "");
    const collection = byCollection[`${stem}s`];
    if (collection) return collection;
    return /_(ids?|by)$/.test(name) ? members : everything;
  };
}
