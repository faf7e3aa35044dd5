export {
  createReleasePilotClient,
  type ReleasePilotClient,
  type ReleasePilotClientOptions,
} from "./client.ts";
export type { components, operations, paths } from "./generated/openapi.ts";
export { type Page, paginate } from "./paginate.ts";
export { ok, type Problem, ReleasePilotProblem } from "./problem.ts";
export { DEFAULT_RETRY, type RetryOptions, retryAfterMs } from "./retry.ts";
