import { STAGE_TARGETS, type StageMap, type StageTarget } from "./types";

export interface StageMatch {
  target: StageTarget;
  /** The stage_map key that matched, for the ignore/debug trail. */
  key: string;
}

function isStageTarget(value: unknown): value is StageTarget {
  return typeof value === "string" && (STAGE_TARGETS as readonly string[]).includes(value);
}

/**
 * Finds the stage for the first candidate name present in the stage map. Candidates are tried in
 * order, first exactly and then case-insensitively (people type "Smoke tests" for a workflow
 * named "smoke tests"). Only own keys with a valid target count: the map is stored JSON, so a
 * key like "constructor" or a stale target value must not resolve.
 */
export function lookUpStage(
  stageMap: StageMap,
  candidates: readonly (string | null | undefined)[],
): StageMatch | null {
  const names = candidates.filter((name): name is string => typeof name === "string" && name.trim() !== "");
  const entries = Object.entries(stageMap).filter(([, target]) => isStageTarget(target));
  for (const name of names) {
    const exact = entries.find(([key]) => key === name);
    if (exact) return { key: exact[0], target: exact[1] };
  }
  for (const name of names) {
    const wanted = name.trim().toLowerCase();
    const loose = entries.find(([key]) => key.trim().toLowerCase() === wanted);
    if (loose) return { key: loose[0], target: loose[1] };
  }
  return null;
}

/** Human-readable list of the names we looked for, for an "ignored" reason. */
export function describeCandidates(candidates: readonly (string | null | undefined)[]): string {
  const names = candidates.filter((name): name is string => typeof name === "string" && name.trim() !== "");
  return names.length === 0 ? "(no name)" : names.map((name) => JSON.stringify(name)).join(" or ");
}
