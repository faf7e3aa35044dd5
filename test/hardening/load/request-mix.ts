// The mixed load, one request at a time, drawn from the seeded generator:
// ~60% reads, ~20% release writes (through the releases' Durable Objects) and
// ~20% signed CI deliveries. Request n of a seed is always the same request;
// only a repeat (a write sent again with its Idempotency-Key, a delivery sent
// again with its delivery id) depends on what had been accepted by then.
import { createHash } from "node:crypto";
import { signedWorkflowRunHeaders, workflowRunPayload } from "../../../scripts/lib/bench-webhooks.ts";
import type { Ledger, LoadRequest, RequestKind } from "./ledger.ts";
import type { Prng } from "./prng.ts";
import type { LoadAgency, LoadRelease, LoadReleaseRole } from "./seed-load-agencies.ts";

/** Relative weights; they add up to 100. */
export const MIX: readonly (readonly [RequestKind | "halt_or_resume", number])[] = [
  ["get_release", 18],
  ["list_releases", 12],
  ["get_plan", 15],
  ["list_events", 15],
  ["staging_result", 6],
  ["verification_result", 2],
  ["issue", 4],
  ["halt_or_resume", 4],
  ["go", 2],
  ["write_replay", 2],
  ["delivery_matched", 15],
  ["delivery_unmatched", 3],
  ["redelivery", 2],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

export class RequestMix {
  private n = 0;
  private readonly agencies: readonly LoadAgency[];
  private readonly prng: Prng;
  private readonly seed: number;
  private readonly ledger: Ledger;

  constructor(agencies: readonly LoadAgency[], prng: Prng, seed: number, ledger: Ledger) {
    this.agencies = agencies;
    this.prng = prng;
    this.seed = seed;
    this.ledger = ledger;
  }

  next(): LoadRequest {
    const n = this.n++;
    const drawn = this.drawKind();
    const agency = this.prng.pick(this.agencies);
    // Every branch draws the same number of values, so a repeat falling back to a first
    // send (nothing accepted yet) does not shift the sequence after it.
    const choice = this.prng.next();
    const variant = this.prng.next();
    const requestId = `load-${this.seed}-${n}`;
    switch (drawn) {
      case "get_release":
      case "get_plan":
      case "list_events":
      case "list_releases":
        return this.read(n, drawn, agency, choice, requestId);
      case "halt_or_resume":
        return this.write(n, variant < 0.5 ? "halt" : "resume", agency, choice, variant, requestId);
      case "staging_result":
      case "verification_result":
      case "issue":
      case "go":
        return this.write(n, drawn, agency, choice, variant, requestId);
      case "write_replay": {
        const original = this.repeatable(this.ledger.acceptedWrites, choice);
        if (original) return this.repeat(n, "write_replay", original, requestId);
        return this.write(n, "staging_result", agency, choice, variant, requestId);
      }
      case "delivery_matched":
      case "delivery_unmatched":
        return this.delivery(n, drawn, agency, choice, requestId);
      case "redelivery": {
        const original = this.repeatable(this.ledger.acceptedDeliveries, choice);
        if (original) return this.repeat(n, "redelivery", original, requestId);
        return this.delivery(n, "delivery_matched", agency, choice, requestId);
      }
    }
  }

  private drawKind(): RequestKind | "halt_or_resume" {
    let point = this.prng.next() * TOTAL_WEIGHT;
    for (const [kind, weight] of MIX) {
      point -= weight;
      if (point < 0) return kind;
    }
    return "get_release";
  }

  private read(n: number, kind: RequestKind, agency: LoadAgency, choice: number, requestId: string) {
    const release = pickRelease(agency.releases, choice);
    const paths: Partial<Record<RequestKind, string>> = {
      get_release: `/v1/releases/${release.id}`,
      list_releases: "/v1/releases?limit=50",
      get_plan: `/v1/releases/${release.id}/plan`,
      list_events: `/v1/releases/${release.id}/events?limit=50`,
    };
    return this.request(n, kind, agency, {
      method: "GET",
      path: paths[kind] ?? "/v1/releases",
      token: agency.agency.tokens.viewer,
      requestId,
      releaseId: kind === "list_releases" ? null : release.id,
    });
  }

  private write(
    n: number,
    kind: "staging_result" | "verification_result" | "issue" | "halt" | "resume" | "go",
    agency: LoadAgency,
    choice: number,
    variant: number,
    requestId: string,
  ): LoadRequest {
    const { engineer, release_manager: releaseManager } = agency.agency.tokens;
    const marker = `https://ci.load.example/${this.seed}/results/${n}`;
    const common = { requestId, idempotencyKey: requestId };
    switch (kind) {
      case "staging_result": {
        const release = pickRelease(releasesOf(agency, "facts"), choice);
        return this.request(n, kind, agency, {
          ...common,
          method: "POST",
          path: `/v1/releases/${release.id}/test-results`,
          token: engineer,
          releaseId: release.id,
          marker,
          body: {
            stage: "staging",
            suite: ["e2e", "accessibility", "visual"][Math.floor(variant * 3)],
            status: ["passed", "passed", "failed", "running"][Math.floor(variant * 4)],
            url: marker,
          },
        });
      }
      case "verification_result": {
        const release = pickRelease(releasesOf(agency, "verification"), choice);
        return this.request(n, kind, agency, {
          ...common,
          method: "POST",
          path: `/v1/releases/${release.id}/test-results`,
          token: engineer,
          releaseId: release.id,
          marker,
          body: {
            stage: variant < 0.5 ? "verification" : "uat",
            suite: "checkout",
            status: "passed",
            url: marker,
          },
        });
      }
      case "issue": {
        const release = pickRelease(releasesOf(agency, "verification"), choice);
        const description = `Load issue ${this.seed}/${n}: slow hero image on mobile`;
        return this.request(n, kind, agency, {
          ...common,
          method: "POST",
          path: `/v1/releases/${release.id}/issues`,
          token: engineer,
          releaseId: release.id,
          marker: description,
          body: { severity: ["low", "medium"][Math.floor(variant * 2)], description },
        });
      }
      case "halt":
      case "resume": {
        const release = pickRelease(releasesOf(agency, "halt"), choice);
        return this.request(n, kind, agency, {
          ...common,
          method: "POST",
          path: `/v1/releases/${release.id}/decisions`,
          token: releaseManager,
          releaseId: release.id,
          body: { kind, rationale: `Load ${kind} ${n}` },
        });
      }
      case "go": {
        const release = pickRelease(releasesOf(agency, "go"), choice);
        return this.request(n, kind, agency, {
          ...common,
          method: "POST",
          path: `/v1/releases/${release.id}/decisions`,
          token: releaseManager,
          releaseId: release.id,
          body: { kind: "go_no_go", outcome: "go", rationale: `Every gate holds (load ${n})` },
        });
      }
    }
  }

  private delivery(
    n: number,
    kind: "delivery_matched" | "delivery_unmatched",
    agency: LoadAgency,
    choice: number,
    requestId: string,
  ): LoadRequest {
    const target = kind === "delivery_matched" ? pickRelease(releasesOf(agency, "facts"), choice) : null;
    const headSha =
      target?.commitSha ?? createHash("sha1").update(`load:unmatched:${this.seed}:${n}`).digest("hex");
    const body = workflowRunPayload(agency.repository, { id: n, headSha });
    const deliveryId = requestId;
    const { integration } = agency;
    return {
      n,
      kind,
      method: "POST",
      path: new URL(integration.url).pathname,
      headers: {
        ...signedWorkflowRunHeaders(integration.secret, body, deliveryId),
        "x-request-id": requestId,
      },
      body,
      requestId,
      tenantId: agency.agency.tenantId,
      releaseId: target?.id ?? null,
      integrationId: integration.id,
      deliveryId,
      ...(target ? { externalId: `workflow_run:${n}` } : {}),
    };
  }

  /** The same request again under a new request id: same path, body, key or delivery id. */
  private repeat(n: number, kind: "write_replay" | "redelivery", original: LoadRequest, requestId: string) {
    return {
      ...original,
      n,
      kind,
      headers: { ...original.headers, "x-request-id": requestId },
      requestId,
      repeatOf: original.n,
    } satisfies LoadRequest;
  }

  private repeatable(accepted: readonly number[], choice: number): LoadRequest | undefined {
    if (accepted.length === 0) return undefined;
    const n = accepted[Math.floor(choice * accepted.length)];
    return n === undefined ? undefined : this.ledger.entries.get(n)?.request;
  }

  private request(
    n: number,
    kind: RequestKind,
    agency: LoadAgency,
    spec: {
      method: "GET" | "POST";
      path: string;
      token: string;
      requestId: string;
      releaseId: string | null;
      idempotencyKey?: string;
      marker?: string;
      body?: unknown;
    },
  ): LoadRequest {
    const headers: Record<string, string> = {
      authorization: `Bearer ${spec.token}`,
      "x-request-id": spec.requestId,
    };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    if (spec.idempotencyKey) headers["idempotency-key"] = spec.idempotencyKey;
    return {
      n,
      kind,
      method: spec.method,
      path: spec.path,
      headers,
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      requestId: spec.requestId,
      tenantId: agency.agency.tenantId,
      releaseId: spec.releaseId,
      ...(spec.idempotencyKey ? { idempotencyKey: spec.idempotencyKey } : {}),
      ...(spec.marker ? { marker: spec.marker } : {}),
    };
  }
}

function releasesOf(agency: LoadAgency, role: LoadReleaseRole): LoadRelease[] {
  return agency.releases.filter((release) => release.role === role);
}

function pickRelease(releases: readonly LoadRelease[], choice: number): LoadRelease {
  const release = releases[Math.floor(choice * releases.length)];
  if (!release) throw new Error("no release to pick from");
  return release;
}
