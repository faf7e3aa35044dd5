/**
 * The stages a release moves through, in order, and the statuses that sit beside the stage.
 * Stage says where the release is in the workflow; status says whether it is moving.
 */

export const STAGES = [
  "planning",
  "pre_deployment_verification",
  "deployment_execution",
  "post_deployment_verification",
  "communication_closure",
  "closed",
] as const;

export type Stage = (typeof STAGES)[number];

export const STATUSES = [
  "active",
  "scheduled",
  "halted",
  "rolling_back",
  "rolled_back",
  "failed",
  "cancelled",
  "closed",
] as const;

export type Status = (typeof STATUSES)[number];

export interface LifecycleState {
  stage: Stage;
  status: Status;
}

export const STAGE_LABELS: Record<Stage, string> = {
  planning: "Release planning",
  pre_deployment_verification: "Pre-deployment verification",
  deployment_execution: "Deployment execution",
  post_deployment_verification: "Post-deployment verification",
  communication_closure: "Release communication and closure",
  closed: "Closed",
};

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

export function isStatus(value: unknown): value is Status {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** True when `stage` comes strictly after `reference` in the workflow. */
export function isStageAfter(stage: Stage, reference: Stage): boolean {
  return stageIndex(stage) > stageIndex(reference);
}

export function nextStage(stage: Stage): Stage | undefined {
  return STAGES[stageIndex(stage) + 1];
}

/** Stages before anything touches production: the only ones a release may be cancelled in. */
export const PRE_EXECUTION_STAGES = [
  "planning",
  "pre_deployment_verification",
] as const satisfies readonly Stage[];

/** Stages where production has (possibly) been changed, so a rollback makes sense. */
export const ROLLBACK_STAGES = [
  "deployment_execution",
  "post_deployment_verification",
] as const satisfies readonly Stage[];

/** Every stage except `closed`: the stages in which work can still happen. */
export const OPEN_STAGES = STAGES.filter((stage) => stage !== "closed");

/** Nothing moves a release out of these statuses. */
export const TERMINAL_STATUSES = ["closed", "cancelled"] as const satisfies readonly Status[];

/** Statuses after a rollback: the attempt is over and only a re-attempt (after investigation) moves on. */
export const AFTER_ROLLBACK_STATUSES = ["rolled_back", "failed"] as const satisfies readonly Status[];

export function isTerminal(status: Status): boolean {
  return (TERMINAL_STATUSES as readonly Status[]).includes(status);
}
