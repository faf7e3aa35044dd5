import type { ReleasePilotClient } from "../client.ts";
import type { components } from "../generated/openapi.ts";
import type { Flags } from "./args.ts";

export type Release = components["schemas"]["Release"];
export type ReleaseSummary = components["schemas"]["ReleaseSummary"];

export { releaseStages as STAGES, releaseStatuses as STATUSES } from "../generated/release-states.ts";

/** What the CLI talks to; `bin.ts` passes the process's, tests pass the Worker's fetch and recorders. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch?: (request: Request) => Promise<Response>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface CommandContext {
  client: ReleasePilotClient;
  io: Required<Pick<CliIo, "stdout" | "stderr" | "sleep" | "now">>;
  /** Positionals after the command's own words. */
  args: string[];
  flags: Flags;
  json: boolean;
}

/** One result: JSON for scripts, the human rendering otherwise. */
export function emit(ctx: CommandContext, data: unknown, human: () => string): void {
  ctx.io.stdout(ctx.json ? `${JSON.stringify(data, null, 2)}\n` : human());
}
