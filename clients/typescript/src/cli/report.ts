import { ok } from "../problem.ts";
import { UsageError } from "./args.ts";
import { type CommandContext, emit } from "./context.ts";
import { stageLabel } from "./output.ts";
import { releaseId } from "./releases.ts";

/** `report test-result|deployment <release> …`: what CI saw, as a reporter. */
export async function reportCommand(ctx: CommandContext, what: string | undefined): Promise<number> {
  switch (what) {
    case "test-result":
      return testResult(ctx);
    case "deployment":
      return deployment(ctx);
    default:
      throw new UsageError(
        what ? `unknown command "report ${what}"` : "report needs test-result or deployment",
      );
  }
}

async function testResult(ctx: CommandContext): Promise<number> {
  const id = releaseId(ctx);
  const body = {
    stage: ctx.flags.oneOf("stage", ["staging", "smoke", "verification", "uat"] as const),
    suite: ctx.flags.required("suite", "the test suite's name, e.g. e2e"),
    status: ctx.flags.oneOf("status", ["passed", "failed", "running", "skipped"] as const),
    url: ctx.flags.optional("url"),
  };
  ctx.flags.rejectUnknown();
  const release = await ok(
    ctx.client.POST("/v1/releases/{id}/test-results", { params: { path: { id } }, body }),
  );
  emit(
    ctx,
    release,
    () =>
      `Recorded ${body.stage} ${body.suite}: ${body.status}. ${release.version} is in ${stageLabel(release.stage)}, ${release.status}.\n`,
  );
  return 0;
}

const DEPLOYMENT_KINDS = {
  started: "deployment_started",
  completed: "deployment_completed",
  failed: "deployment_failed",
} as const;

async function deployment(ctx: CommandContext): Promise<number> {
  const id = releaseId(ctx);
  const status = ctx.flags.oneOf("status", ["started", "completed", "failed"] as const);
  const detail = ctx.flags.optional("detail");
  ctx.flags.rejectUnknown();
  const release = await ok(
    ctx.client.POST("/v1/releases/{id}/deployment-log", {
      params: { path: { id } },
      body: { kind: DEPLOYMENT_KINDS[status], detail },
    }),
  );
  emit(
    ctx,
    release,
    () =>
      `Recorded deployment ${status}. ${release.version} is in ${stageLabel(release.stage)}, ${release.status}.\n`,
  );
  return 0;
}
