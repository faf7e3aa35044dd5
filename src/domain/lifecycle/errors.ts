/**
 * Why `decide` refused a command. The codes are stable; the suggested HTTP statuses are what the
 * routes map them to (409 carries `unmet_gates[]` for `gates_unmet`).
 */

import type { GateReport } from "./gates";

export const LIFECYCLE_ERROR_CODES = [
  "invalid_command",
  "forbidden",
  "invalid_transition",
  "invalid_state",
  "release_halted",
  "release_terminal",
  "decision_conflict",
  "gates_unmet",
  "duplicate_report",
  "rollback_step_out_of_order",
] as const;

export type LifecycleErrorCode = (typeof LIFECYCLE_ERROR_CODES)[number];

export const LIFECYCLE_ERROR_HTTP_STATUS: Readonly<Record<LifecycleErrorCode, number>> = {
  invalid_command: 422,
  forbidden: 403,
  invalid_transition: 409,
  invalid_state: 409,
  release_halted: 409,
  release_terminal: 409,
  // A decision that has already been made (two go's, go racing no-go, a second rollback).
  decision_conflict: 409,
  gates_unmet: 409,
  duplicate_report: 409,
  rollback_step_out_of_order: 409,
};

export interface LifecycleError {
  code: LifecycleErrorCode;
  message: string;
  unmet_gates?: GateReport[];
}
