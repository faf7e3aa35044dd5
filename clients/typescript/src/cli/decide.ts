import type { components } from "../generated/openapi.ts";
import { ok } from "../problem.ts";
import { UsageError } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { stageLabel } from "./output.ts";
import { releaseId } from "./releases.ts";

const KINDS = ["go", "no-go", "halt", "resume", "stability", "rollback"] as const;

/** `decide go|no-go|halt|resume|stability|rollback <release> --rationale …`: one decision, as the release manager. */
export async function decideCommand(ctx: CommandContext, kind: string | undefined): Promise<number> {
  if (!kind || !(KINDS as readonly string[]).includes(kind))
    throw new UsageError(`decide needs one of ${KINDS.join(", ")}${kind ? `, not "${kind}"` : ""}`);
  const id = releaseId(ctx);
  const rationale = ctx.flags.required("rationale", "why (it goes into the audit trail)");
  let body: components["schemas"]["Decision"];
  if (kind === "go" || kind === "no-go") {
    const returnTo =
      kind === "no-go" && ctx.flags.has("return-to")
        ? ctx.flags.oneOf("return-to", ["planning", "pre_deployment_verification"] as const)
        : undefined;
    body = { kind: "go_no_go", outcome: kind === "go" ? "go" : "no_go", rationale, return_to: returnTo };
  } else if (kind === "stability") {
    body = {
      kind: "stability",
      outcome: ctx.flags.oneOf("outcome", ["stable", "unstable"] as const),
      rationale,
    };
  } else {
    body = { kind: kind as "halt" | "resume" | "rollback", rationale };
  }
  ctx.flags.rejectUnknown();
  const release = await ok(
    ctx.client.POST("/v1/releases/{id}/decisions", { params: { path: { id } }, body }),
  );
  ctx.io.stdout(
    ctx.json
      ? `${JSON.stringify(release, null, 2)}\n`
      : `Recorded ${kind} for ${release.version}: now ${stageLabel(release.stage)}, ${release.status}.\n`,
  );
  return 0;
}
