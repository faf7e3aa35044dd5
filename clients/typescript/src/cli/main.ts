import { createReleasePilotClient } from "../client.ts";
import { ReleasePilotProblem } from "../problem.ts";
import { Flags, parseArgs, UsageError } from "./args.ts";
import type { CliIo, CommandContext } from "./context.ts";
import { decideCommand } from "./decide.ts";
import { releasesCommand } from "./releases.ts";
import { reportCommand } from "./report.ts";
import { waitCommand } from "./wait.ts";

export type { CliIo } from "./context.ts";

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 a usage mistake; `wait` adds 3 and 4. */
export const EXIT = { ok: 0, refused: 1, usage: 2, wentOtherWay: 3, timedOut: 4 } as const;

export const USAGE = `Usage: release-pilot <command> [options]

  releases list [--project ID] [--client ID] [--stage STAGE] [--status STATUS] [--limit N]
  releases show RELEASE
  releases create --project ID --version V --title T --risk low|high
                  [--scope TEXT] [--git-ref REF] [--commit SHA] [--change SUMMARY]...
  decide go|no-go|halt|resume|rollback RELEASE --rationale TEXT [--return-to planning|pre_deployment_verification]
  decide stability RELEASE --outcome stable|unstable --rationale TEXT
  report test-result RELEASE --stage staging|smoke|verification|uat --suite NAME
                     --status passed|failed|running|skipped [--url URL]
  report deployment RELEASE --status started|completed|failed [--detail TEXT]
  wait RELEASE --for go|deployment|closed [--timeout 30m] [--interval 15s]

Every command takes --json (machine-readable output on stdout) and --help.
Settings: RELEASE_PILOT_URL (the API's address) and RELEASE_PILOT_TOKEN (an API token).
Exit codes: 0 done; 1 the API refused or was unreachable; 2 usage mistake;
            wait: 3 the release went the other way (no-go, cancelled, failed, rolled back), 4 timed out.
`;

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const { positionals, flags } = parseArgs(argv, new Set(["json", "help"]));
    json = flags.has("json");
    const [command, sub, ...rest] = positionals;
    if (flags.has("help") || command === "help") {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    if (!command) throw new UsageError("a command is missing");
    const baseUrl = io.env.RELEASE_PILOT_URL;
    const token = io.env.RELEASE_PILOT_TOKEN;
    if (!baseUrl)
      throw new UsageError("set RELEASE_PILOT_URL to the API's address, e.g. https://api.example.com");
    if (!token) throw new UsageError("set RELEASE_PILOT_TOKEN to an API token (POST /v1/tokens)");
    const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const ctx: CommandContext = {
      client: createReleasePilotClient({ baseUrl, token, fetch: io.fetch, retry: { sleep } }),
      io: { stdout: io.stdout, stderr: io.stderr, sleep, now: io.now ?? Date.now },
      args: [],
      flags: new Flags(flags),
      json,
    };
    switch (command) {
      case "releases":
        return await releasesCommand({ ...ctx, args: rest }, sub);
      case "decide":
        return await decideCommand({ ...ctx, args: rest }, sub);
      case "report":
        return await reportCommand({ ...ctx, args: rest }, sub);
      case "wait":
        return await waitCommand({ ...ctx, args: sub === undefined ? [] : [sub, ...rest] });
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return report(error, io, json);
  }
}

function report(error: unknown, io: CliIo, json: boolean): number {
  if (error instanceof UsageError) {
    io.stderr(`release-pilot: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (error instanceof ReleasePilotProblem) {
    if (json) {
      io.stdout(
        `${JSON.stringify(error.problem ?? { status: error.status, detail: error.message }, null, 2)}\n`,
      );
    } else {
      const fixes = (error.problem?.errors ?? []).map((e) => `  - ${e.path}: ${e.message}\n`).join("");
      const gates = (error.problem?.unmet_gates ?? []).map((g) => `  - ${g.id}: ${g.detail}\n`).join("");
      io.stderr(
        `release-pilot: ${error.status} ${error.message}${error.code ? ` [${error.code}]` : ""}\n${fixes}${gates}`,
      );
    }
    return EXIT.refused;
  }
  io.stderr(`release-pilot: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.refused;
}
