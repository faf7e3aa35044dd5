import type { CliIo } from "./cli/context.ts";
import { runCli } from "./cli/main.ts";

/**
 * The GitHub Action's entry (clients/github-action/action.yml): its inputs arrive as INPUT_* variables,
 * become one CLI command line, and the release's stage and status (and a wait's outcome) become step outputs.
 */
export interface ActionIo extends Omit<CliIo, "stdout"> {
  stdout: (text: string) => void;
  setOutput: (name: string, value: string) => void;
}

export const ACTION_COMMANDS = ["report-test-result", "report-deployment", "wait"] as const;

/** The input of action.yml, as the composite step passes it (`INPUT_RELEASE_ID` for `release-id`). */
export const inputVariable = (name: string) => `INPUT_${name.toUpperCase().replaceAll("-", "_")}`;

/** The CLI command line for the Action's inputs, or null when `command` is not one it knows. */
export function actionArgv(env: CliIo["env"]): string[] | null {
  const input = (name: string) => env[inputVariable(name)]?.trim() ?? "";
  const command = input("command");
  const release = input("release-id");
  // `--flag=value`, so an input that starts with "--" stays a value.
  const option = (flag: string, name: string) => (input(name) ? [`--${flag}=${input(name)}`] : []);
  switch (command) {
    case "report-test-result":
      return [
        "report",
        "test-result",
        release,
        ...option("stage", "stage"),
        ...option("suite", "suite"),
        ...option("status", "status"),
        ...option("url", "result-url"),
      ];
    case "report-deployment":
      return ["report", "deployment", release, ...option("status", "status"), ...option("detail", "detail")];
    case "wait":
      return [
        "wait",
        release,
        ...option("for", "wait-for"),
        ...option("timeout", "timeout"),
        ...option("interval", "interval"),
      ];
    default:
      return null;
  }
}

export async function runAction(io: ActionIo): Promise<number> {
  const argv = actionArgv(io.env);
  if (!argv) {
    io.stdout(`::error title=Release Pilot::command must be one of ${ACTION_COMMANDS.join(", ")}\n`);
    return 2;
  }
  let captured = "";
  const code = await runCli([...argv, "--json"], { ...io, stdout: (text) => (captured += text) });
  let result: Record<string, unknown> = {};
  try {
    result = captured ? (JSON.parse(captured) as Record<string, unknown>) : {};
  } catch {
    // not JSON: the CLI already explained on stderr
  }
  const release = (argv[0] === "wait" ? result.release : result) as
    | { version?: string; stage?: string; status?: string }
    | undefined;
  if (release?.stage && release.status) {
    io.setOutput("stage", release.stage);
    io.setOutput("status", release.status);
    if (release.version) io.setOutput("version", release.version);
  }
  if (argv[0] === "wait" && typeof result.outcome === "string") io.setOutput("outcome", result.outcome);
  if (code === 0) {
    io.stdout(`Release Pilot: ${release?.version ?? ""} ${release?.stage ?? ""} ${release?.status ?? ""}\n`);
  } else if (typeof result.detail === "string" || typeof result.reason === "string") {
    io.stdout(`::error title=Release Pilot::${escapeCommandData(String(result.detail ?? result.reason))}\n`);
  }
  return code;
}

/** A workflow command's message, escaped as the runner reads it (`%`, CR and LF). */
const escapeCommandData = (text: string) =>
  text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
