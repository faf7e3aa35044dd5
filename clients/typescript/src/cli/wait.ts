import { paginate } from "../paginate.ts";
import { ok, ReleasePilotProblem } from "../problem.ts";
import { parseDuration } from "./args.ts";
import type { CommandContext, Release } from "./context.ts";
import { formatDuration, stageLabel } from "./output.ts";
import { releaseId } from "./releases.ts";

/** Exit codes a CI job can branch on. */
export const WAIT_EXIT = { reached: 0, wentOtherWay: 3, timedOut: 4 } as const;

const TARGETS = ["go", "deployment", "closed"] as const;
type Target = (typeof TARGETS)[number];

const PAST_GO = new Set(["deployment_execution", "post_deployment_verification", "communication_closure"]);
const ENDED = new Set(["cancelled", "failed", "rolled_back", "rolling_back"]);

type Verdict = { done: false } | { done: true; code: number; why: string };

/**
 * Where the release stands against the target:
 * - `go`: a go decision is given (scheduled for its window, deploying or later, or closed).
 * - `deployment`: go given and the window open — the release is in deployment execution: deploy now.
 * - `closed`: the release closed.
 * A halted release keeps the wait going (it may resume). A release that ended another way (cancelled,
 * failed, rolling back or rolled back; past its deployment, or closed, for `deployment`) will never
 * get there.
 */
export function verdict(target: Target, release: Release): Verdict {
  const { stage, status } = release;
  if (ENDED.has(status)) return { done: true, code: WAIT_EXIT.wentOtherWay, why: `the release is ${status}` };
  switch (target) {
    case "go":
      if (status === "scheduled" || status === "closed" || (PAST_GO.has(stage) && status === "active"))
        return { done: true, code: WAIT_EXIT.reached, why: "go given" };
      return { done: false };
    case "deployment":
      if (stage === "deployment_execution" && status === "active")
        return { done: true, code: WAIT_EXIT.reached, why: "the window is open: deploy" };
      if (stage === "post_deployment_verification" || stage === "communication_closure")
        return {
          done: true,
          code: WAIT_EXIT.wentOtherWay,
          why: `the deployment is over (${stageLabel(stage)})`,
        };
      break;
    case "closed":
      if (status === "closed") return { done: true, code: WAIT_EXIT.reached, why: "closed" };
      return { done: false };
  }
  if (status === "closed") return { done: true, code: WAIT_EXIT.wentOtherWay, why: "the release is closed" };
  return { done: false };
}

/** `wait <release> --for go|deployment|closed [--timeout 30m] [--interval 15s]`. */
export async function waitCommand(ctx: CommandContext): Promise<number> {
  const id = releaseId(ctx);
  const target = ctx.flags.oneOf("for", TARGETS);
  const timeout = parseDuration(ctx.flags.optional("timeout") ?? "30m", "timeout");
  const interval = Math.max(1_000, parseDuration(ctx.flags.optional("interval") ?? "15s", "interval"));
  ctx.flags.rejectUnknown();

  const { now, sleep, stderr } = ctx.io;
  const deadline = now() + timeout;
  // A no-go leaves the stage and status as they were, so for go and deployment the trail tells: a
  // no-go recorded after the wait began ends it.
  const watchNoGo = target !== "closed";
  let seenSeq = watchNoGo ? (await trailSince(ctx, id, Number.POSITIVE_INFINITY)).lastSeq : 0;
  let lastVersion = -1;
  let lastLine = "";
  for (;;) {
    let release: Release | undefined;
    try {
      release = await ok(ctx.client.GET("/v1/releases/{id}", { params: { path: { id } } }));
      let result = verdict(target, release);
      if (!result.done && watchNoGo && release.row_version !== lastVersion) {
        const trail = await trailSince(ctx, id, seenSeq);
        seenSeq = trail.lastSeq;
        if (trail.noGo)
          result = { done: true, code: WAIT_EXIT.wentOtherWay, why: "a no-go decision was recorded" };
      }
      lastVersion = release.row_version;
      if (result.done) return finish(ctx, release, target, result.code, result.why);
    } catch (error) {
      // A gate may wait for hours: a dropped connection or a gateway hiccup is not its answer.
      if (!isTransient(error)) throw error;
      stderr(
        `could not read the release (${error instanceof Error ? error.message : String(error)}); trying again\n`,
      );
    }
    const left = deadline - now();
    if (left <= 0) {
      if (release)
        return finish(ctx, release, target, WAIT_EXIT.timedOut, `not ${target} within the timeout`);
      stderr(`release-pilot: not ${target} within the timeout, and the API could not be read\n`);
      return WAIT_EXIT.timedOut;
    }
    if (release) {
      // Progress goes to stderr, so a CI log shows it while --json keeps stdout for the result.
      const line = `waiting for ${target}: ${release.version} is in ${stageLabel(release.stage)}, ${release.status}`;
      if (line !== lastLine) stderr(`${line} (${formatDuration(left)} left)\n`);
      lastLine = line;
    }
    await sleep(Math.min(interval, left));
  }
}

const isTransient = (error: unknown) =>
  error instanceof TypeError ||
  (error instanceof ReleasePilotProblem && (error.status === 429 || error.status >= 500));

function finish(ctx: CommandContext, release: Release, target: Target, code: number, why: string): number {
  const outcome =
    code === WAIT_EXIT.reached ? "reached" : code === WAIT_EXIT.timedOut ? "timed_out" : "went_other_way";
  ctx.io.stdout(
    ctx.json
      ? `${JSON.stringify({ target, outcome, reason: why, release }, null, 2)}\n`
      : `${release.version}: ${why} (${stageLabel(release.stage)}, ${release.status}).\n`,
  );
  return code;
}

/** The trail's last sequence number, and whether a no-go was recorded after `afterSeq`. */
async function trailSince(
  ctx: CommandContext,
  id: string,
  afterSeq: number,
): Promise<{ lastSeq: number; noGo: boolean }> {
  let lastSeq = 0;
  let noGo = false;
  const events = paginate((cursor) =>
    ok(
      ctx.client.GET("/v1/releases/{id}/events", { params: { path: { id }, query: { cursor, limit: 100 } } }),
    ),
  );
  for await (const event of events) {
    lastSeq = Math.max(lastSeq, event.seq);
    if (event.seq > afterSeq && event.type === "go_no_go_decided" && event.data.outcome === "no_go")
      noGo = true;
  }
  return { lastSeq, noGo };
}
