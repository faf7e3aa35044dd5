/**
 * Who may send each command to a release, by member role. The release's
 * Durable Object enforces OPERATION_ROLES (execute-command.ts) and the lifecycle
 * authority table (domain/lifecycle/authority.ts); the routes declare the same
 * values as their OpenAPI `x-roles`, so the document cannot drift from the checks.
 */

import {
  type Capacity,
  COMMAND_AUTHORITY,
  type CommandKey,
  type LifecycleCommand,
} from "../domain/lifecycle";
import { ROLES, type Role } from "../lib/auth/tokens";
import type { ReleaseOperation } from "./operations";

const MANAGERS = ["owner", "release_manager"] as const satisfies readonly Role[];
const WRITERS = ["owner", "release_manager", "engineer"] as const satisfies readonly Role[];

/** Roles that may apply each non-lifecycle operation; lifecycle authority is the rules' own (authority.ts). */
export const OPERATION_ROLES: Readonly<
  Record<Exclude<ReleaseOperation["name"], "lifecycle">, readonly Role[]>
> = {
  patch: MANAGERS,
  set_team: MANAGERS,
  set_window: MANAGERS,
  // Finer checks live in the operations: compliance checklist items and closing an
  // investigation need an owner or release manager; a sign-off needs an approver on the team.
  update_checklist_item: WRITERS,
  update_checklist: WRITERS,
  set_test_plan: MANAGERS,
  set_rollback_procedure: MANAGERS,
  set_monitoring_dashboards: MANAGERS,
  confirm_monitoring: WRITERS,
  report_issue: WRITERS,
  update_issue: WRITERS,
  // Viewers may sit on a release team as approvers (client stakeholders), so every role may try.
  sign_off: ROLES,
  update_investigation: WRITERS,
  add_corrective_action: WRITERS,
  update_corrective_action: WRITERS,
  set_notes: MANAGERS,
  publish_notes: MANAGERS,
  set_recipients: MANAGERS,
  // A release manager only for the release they manage (checked in the operation).
  request_approval: MANAGERS,
  withdraw_approval_request: MANAGERS,
  // No member answers a client's link: only the approval link's principal (execute-command.ts).
  answer_approval_request: [],
  // A release manager only for the release they manage (checked in the operation).
  cancel_messages: MANAGERS,
};

/** The roles a member may have to be assigned as a release's manager (the team's `release_manager_id`). */
export const RELEASE_MANAGER_ROLES: readonly Role[] = MANAGERS;

/**
 * The member roles that can hold each lifecycle capacity (capacitiesOf in authority.ts): the
 * release's assigned manager, an owner standing in for them, and every member but a viewer as a
 * reporter. CI, the scheduler and a client answering an approval link are not members.
 */
export const CAPACITY_ROLES: Readonly<Record<Capacity, readonly Role[]>> = {
  release_manager: RELEASE_MANAGER_ROLES,
  owner_as_release_manager: ["owner"],
  reporter: WRITERS,
  ci: [],
  scheduler: [],
  policy: [],
  client: [],
};

/** Lifecycle commands a member sends through the API; the window ticks are the cron's. */
export type MemberLifecycleCommand = Exclude<LifecycleCommand["type"], "window_opened" | "window_missed">;

/** The authority keys each lifecycle command can have: a decision's depends on its kind and outcome (commandKey). */
export const LIFECYCLE_COMMAND_KEYS: Readonly<Record<MemberLifecycleCommand, readonly CommandKey[]>> = {
  transition: ["transition"],
  decision: ["go", "no_go", "halt", "resume", "stable", "unstable", "rollback"],
  cancel: ["cancel"],
  reattempt: ["reattempt"],
  test_result: ["test_result"],
  execution_report: ["deployment_started", "deployment_completed", "deployment_failed"],
  rollback_step: ["rollback_step"],
};

function rolesAllowedAny(keys: readonly CommandKey[]): readonly Role[] {
  return ROLES.filter((role) =>
    keys.some((key) => COMMAND_AUTHORITY[key].some((capacity) => CAPACITY_ROLES[capacity].includes(role))),
  );
}

/**
 * Roles that may send each lifecycle command at all, read from the authority table. A release
 * manager's decisions count only on a release they are assigned to; the rules refuse the rest.
 */
export const LIFECYCLE_ROLES = Object.fromEntries(
  Object.entries(LIFECYCLE_COMMAND_KEYS).map(([type, keys]) => [type, rolesAllowedAny(keys)]),
) as Readonly<Record<MemberLifecycleCommand, readonly Role[]>>;
