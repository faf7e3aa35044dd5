/**
 * Who may issue which command on a release. The release's own release manager decides; an owner
 * may stand in for them (and is recorded as doing so); engineers and CI report facts; the cron
 * only moves scheduled releases; viewers only read.
 */

import type { CommandKey } from "./commands";
import type { Actor, TeamFacts } from "./snapshot";

/** The capacity in which an actor issues a command; recorded with every decision. */
export type Capacity =
  | "release_manager"
  | "owner_as_release_manager"
  | "reporter"
  | "ci"
  | "scheduler"
  | "policy"
  /** A client's contact through an approval link: reports their own UAT verdict, nothing else. */
  | "client";

const DECIDERS: readonly Capacity[] = ["release_manager", "owner_as_release_manager"];
const REPORTERS: readonly Capacity[] = ["release_manager", "owner_as_release_manager", "reporter", "ci"];

/** The authority table: for each command, the capacities allowed to issue it, best first. */
export const COMMAND_AUTHORITY: Readonly<Record<CommandKey, readonly Capacity[]>> = {
  transition: DECIDERS,
  go: DECIDERS,
  no_go: DECIDERS,
  halt: DECIDERS,
  resume: DECIDERS,
  stable: DECIDERS,
  unstable: DECIDERS,
  // The agency's automatic-rollback policy may decide this one, and only this one.
  rollback: [...DECIDERS, "policy"],
  cancel: DECIDERS,
  reattempt: DECIDERS,
  deployment_started: REPORTERS,
  deployment_completed: REPORTERS,
  deployment_failed: REPORTERS,
  test_result: [...REPORTERS, "client"],
  rollback_step: REPORTERS,
  window_opened: ["scheduler"],
  window_missed: ["scheduler"],
};

/** Every capacity `actor` holds on a release with `team`. */
export function capacitiesOf(actor: Actor, team: TeamFacts): Capacity[] {
  if (actor.kind === "system") return [actor.name];
  if (actor.kind === "contact") return ["client"];
  // A viewer never writes, even if someone put them on a team.
  if (actor.role === "viewer") return [];
  const capacities: Capacity[] = [];
  // Being assigned is not enough: a manager demoted to engineer since the
  // assignment loses the decisions at once, as the role check promises.
  const assigned = team.release_manager_id !== null && actor.member_id === team.release_manager_id;
  if (assigned && (actor.role === "release_manager" || actor.role === "owner")) {
    capacities.push("release_manager");
  } else if (actor.role === "owner") {
    capacities.push("owner_as_release_manager");
  }
  capacities.push("reporter");
  return capacities;
}

export type AuthorityResult = { ok: true; capacity: Capacity } | { ok: false; message: string };

export function authorize(key: CommandKey, actor: Actor, team: TeamFacts): AuthorityResult {
  const held = capacitiesOf(actor, team);
  const capacity = COMMAND_AUTHORITY[key].find((allowed) => held.includes(allowed));
  if (capacity !== undefined) return { ok: true, capacity };
  const allowed = COMMAND_AUTHORITY[key];
  if (allowed.includes("reporter"))
    return {
      ok: false,
      message: `'${key}' is reported by an engineer, the release manager or CI; viewers only read.`,
    };
  if (allowed.includes("release_manager"))
    return {
      ok: false,
      message: `Only this release's release manager (or an owner acting as one) may issue '${key}'.`,
    };
  return { ok: false, message: `Only the scheduler issues '${key}'.` };
}
