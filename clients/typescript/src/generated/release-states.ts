// Generated from openapi/openapi.json by `npm run client:generate`. Do not edit.

export const releaseStages = [
  "planning",
  "pre_deployment_verification",
  "deployment_execution",
  "post_deployment_verification",
  "communication_closure",
  "closed",
] as const;

export const releaseStatuses = [
  "active",
  "scheduled",
  "halted",
  "rolling_back",
  "rolled_back",
  "failed",
  "cancelled",
  "closed",
] as const;
