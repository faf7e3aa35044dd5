import { paginate } from "../paginate.ts";
import { ok } from "../problem.ts";
import { UsageError } from "./args.ts";
import { type CommandContext, emit, type Release, type ReleaseSummary, STAGES, STATUSES } from "./context.ts";
import { fields, stageLabel, table } from "./output.ts";

export async function releasesCommand(ctx: CommandContext, sub: string | undefined): Promise<number> {
  switch (sub) {
    case "list":
      return list(ctx);
    case "show":
      return show(ctx);
    case "create":
      return create(ctx);
    default:
      throw new UsageError(sub ? `unknown command "releases ${sub}"` : "releases needs list, show or create");
  }
}

async function list(ctx: CommandContext): Promise<number> {
  const { flags } = ctx;
  const project_id = flags.optional("project");
  const client_id = flags.optional("client");
  const stage = flags.has("stage") ? flags.oneOf("stage", STAGES) : undefined;
  const status = flags.has("status") ? flags.oneOf("status", STATUSES) : undefined;
  const limitText = flags.optional("limit") ?? "50";
  if (!/^[1-9]\d{0,4}$/.test(limitText))
    throw new UsageError(`--limit must be a whole number from 1, not "${limitText}"`);
  const limit = Number(limitText);
  flags.rejectUnknown();

  const releases: ReleaseSummary[] = [];
  const pages = paginate((cursor) =>
    ok(
      ctx.client.GET("/v1/releases", {
        params: { query: { project_id, client_id, stage, status, cursor, limit: Math.min(limit, 100) } },
      }),
    ),
  );
  for await (const release of pages) {
    releases.push(release);
    if (releases.length >= limit) break;
  }
  emit(ctx, releases, () =>
    releases.length === 0
      ? "No releases match.\n"
      : table(
          ["ID", "VERSION", "STAGE", "STATUS", "WINDOW STARTS", "TITLE"],
          releases.map((r) => [
            r.id,
            r.version,
            stageLabel(r.stage),
            r.status,
            r.window_starts_at ?? "-",
            r.title,
          ]),
        ),
  );
  return 0;
}

async function show(ctx: CommandContext): Promise<number> {
  const id = releaseId(ctx);
  ctx.flags.rejectUnknown();
  const release = await ok(ctx.client.GET("/v1/releases/{id}", { params: { path: { id } } }));
  emit(ctx, release, () => describeRelease(release));
  return 0;
}

async function create(ctx: CommandContext): Promise<number> {
  const { flags } = ctx;
  const body = {
    project_id: flags.required("project", "the project's id"),
    version: flags.required("version", "the version being released, e.g. 2.4.0"),
    title: flags.required("title", "a short title"),
    risk: flags.oneOf("risk", ["low", "high"] as const),
    scope: flags.optional("scope"),
    git_ref: flags.optional("git-ref"),
    commit_sha: flags.optional("commit"),
    change_log: flags.all("change").map((summary) => ({ summary })),
  };
  flags.rejectUnknown();
  const release = await ok(
    ctx.client.POST("/v1/releases", {
      body: { ...body, change_log: body.change_log.length > 0 ? body.change_log : undefined },
    }),
  );
  emit(
    ctx,
    release,
    () => `Created release ${release.version} (${release.id}).\n${describeRelease(release)}`,
  );
  return 0;
}

export function releaseId(ctx: CommandContext): string {
  const [id, ...extra] = ctx.args;
  if (!id) throw new UsageError("the release id is missing");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return id;
}

export function describeRelease(release: Release): string {
  const held = release.gates.filter((g) => g.ok).length;
  const open = release.gates.filter((g) => !g.ok && g.stage === release.stage);
  const entries: [string, string][] = [
    ["id", release.id],
    ["version", release.version],
    ["title", release.title],
    ["stage", stageLabel(release.stage)],
    ["status", release.status],
    ["attempt", String(release.attempt)],
    ["window", release.window ? `${release.window.starts_at} to ${release.window.ends_at}` : "none booked"],
    ["gates", `${held} of ${release.gates.length} hold`],
  ];
  if (release.recommendation) entries.push(["recommendation", release.recommendation.recommendation]);
  if (release.pending_decision) entries.push(["waiting on", `${release.pending_decision.kind} decision`]);
  const waiting = open.map((g) => `  - ${g.id}: ${g.detail}`).join("\n");
  return `${fields(entries)}${waiting ? `gates still open in this stage:\n${waiting}\n` : ""}`;
}
