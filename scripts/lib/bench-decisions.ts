// Decisions per second through the releases' Durable Objects: a burst of
// conflicting halt/resume decisions on one release (one serial writer, so
// this is the per-release ceiling) and the same burst spread over many
// releases (objects run side by side, so this is the fan-out).
import { cpuRows, cpuSince } from "./bench-cpu.ts";
import type { BenchEnvironment } from "./bench-env.ts";
import type { BenchMeasurement, BenchRow } from "./bench-report.ts";
import { callApi, type SeededAgency } from "./seed-agency.ts";

const NAME = "Decisions through the release's Durable Object";

export interface DecisionBenchSettings {
  /** Decisions sent at once to one release. */
  perRelease: number;
  /** Releases in the fan-out burst (the issue asks for 50). */
  releases: number;
}

interface DecisionBenchContext {
  env: BenchEnvironment;
  agency: SeededAgency;
}

/** The id of the agency's (first) member with `role`. */
export async function memberIdOf(
  env: Pick<BenchEnvironment, "apiUrl">,
  agency: SeededAgency,
  role: string,
): Promise<string> {
  const res = await callApi(env.apiUrl, "/v1/members?limit=200", { token: agency.tokens.owner });
  const member = (res.body?.items ?? []).find((m: { role: string }) => m.role === role);
  if (!member) throw new Error(`no ${role} in the bench agency`);
  return member.id;
}

export interface ReleaseForDecisionsOptions {
  /** More fields of the created release (e.g. `commit_sha`, so CI deliveries match it). */
  fields?: Record<string, unknown>;
  /** The window booked (with the owner's override); by default one that opens tomorrow. */
  window?: { starts_at: string; ends_at: string };
}

/** A release in pre-deployment verification with a team and a window, ready for halt/resume decisions. */
export async function releaseReadyForDecisions(
  env: Pick<BenchEnvironment, "apiUrl">,
  agency: SeededAgency,
  team: unknown,
  n: number,
  options: ReleaseForDecisionsOptions = {},
): Promise<string> {
  const owner = agency.tokens.owner;
  const created = await callApi(env.apiUrl, "/v1/releases", {
    token: owner,
    body: {
      project_id: agency.projectId,
      version: `bench-${Date.now()}-${n}`,
      title: "Bench release",
      scope: "Bench",
      change_log: [{ summary: "Bench" }],
      risk: "low",
      ...options.fields,
    },
  });
  if (created.status !== 201)
    throw new Error(`create release: ${created.status} ${created.text.slice(0, 200)}`);
  const id: string = created.body.id;
  const now = Date.now();
  const steps: [string, string, unknown][] = [
    ["PUT", `/v1/releases/${id}/team`, team],
    [
      "PUT",
      `/v1/releases/${id}/window`,
      {
        ...(options.window ?? {
          starts_at: new Date(now + 86_400_000).toISOString(),
          ends_at: new Date(now + 90_000_000).toISOString(),
        }),
        override_reason: "bench",
      },
    ],
    ["POST", `/v1/releases/${id}/transitions`, { to: "pre_deployment_verification" }],
  ];
  for (const [method, path, body] of steps) {
    const res = await callApi(env.apiUrl, path, { token: owner, method, body });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
  }
  return id;
}

/** Sends `count` alternating halt/resume decisions to each release at once; returns elapsed ms and outcomes. */
async function burst(env: BenchEnvironment, token: string, releaseIds: string[], count: number) {
  const before = { ...env.bridge.stats };
  const cpuBefore = env.cpu.snapshot();
  const started = performance.now();
  const outcomes = await Promise.all(
    releaseIds.flatMap((id) =>
      Array.from({ length: count }, (_, i) =>
        callApi(env.apiUrl, `/v1/releases/${id}/decisions`, {
          token,
          body: { kind: i % 2 === 0 ? "halt" : "resume", rationale: `bench ${i}` },
        }).then((res) => res.status),
      ),
    ),
  );
  const ms = performance.now() - started;
  return {
    ms,
    outcomes,
    cpu: cpuSince(env.cpu, cpuBefore),
    frames: env.bridge.stats.framesToDatabase - before.framesToDatabase,
    connections: env.bridge.stats.connections - before.connections,
  };
}

export function decisionMeasurement(settings: DecisionBenchSettings): BenchMeasurement<DecisionBenchContext> {
  return {
    name: NAME,
    async run({ env, agency }) {
      const team = {
        release_manager_id: await memberIdOf(env, agency, "release_manager"),
        members: [{ member_id: await memberIdOf(env, agency, "engineer"), role: "engineer" }],
      };
      const rm = agency.tokens.release_manager;
      const single = await releaseReadyForDecisions(env, agency, team, 0);
      const many: string[] = [];
      for (let i = 1; i <= settings.releases; i++)
        many.push(await releaseReadyForDecisions(env, agency, team, i));
      const perRelease = Math.max(2, Math.round(settings.perRelease / settings.releases));

      const rows: BenchRow[] = [];
      const report = (target: string, result: Awaited<ReturnType<typeof burst>>, note: string) => {
        const accepted = result.outcomes.filter((s) => s === 200).length;
        const conflicts = result.outcomes.filter((s) => s === 409).length;
        const other = result.outcomes.length - accepted - conflicts;
        rows.push(
          {
            measurement: NAME,
            target,
            metric: "decisions/s",
            value: (result.outcomes.length / result.ms) * 1000,
            unit: "decisions/s",
            note,
          },
          {
            measurement: NAME,
            target,
            metric: "accepted",
            value: accepted,
            unit: `of ${result.outcomes.length}`,
          },
          {
            measurement: NAME,
            target,
            metric: "refused (409, lost the race)",
            value: conflicts,
            unit: `of ${result.outcomes.length}`,
          },
          { measurement: NAME, target, metric: "errors", value: other, unit: `of ${result.outcomes.length}` },
          {
            measurement: NAME,
            target,
            metric: "frames to DB / decision",
            value: result.frames / result.outcomes.length,
            unit: "frames",
            note: "the route and the Durable Object together",
          },
          {
            measurement: NAME,
            target,
            metric: "connections / decision",
            value: result.connections / result.outcomes.length,
            unit: "conns",
            note: "the Durable Object keeps its connection between commands",
          },
          ...cpuRows(env.cpu, result.cpu, result.outcomes.length, {
            measurement: NAME,
            target,
            per: "decision",
            worker: "api",
          }),
        );
      };
      report(
        "1 release",
        await burst(env, rm, [single], settings.perRelease),
        `${settings.perRelease} at once`,
      );
      report(
        `${settings.releases} releases`,
        await burst(env, rm, many, perRelease),
        `${perRelease} at once on each`,
      );
      return rows;
    },
  };
}
