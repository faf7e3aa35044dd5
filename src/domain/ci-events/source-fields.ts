import type { z } from "zod";
import { trimBoth } from "../../lib/strings";
import { deploymentPhaseFor, type Outcome, testStatusFor } from "./outcome";
import type { StageMatch } from "./stage-lookup";
import type { CiEventSubject, MalformedCiEvent, NormalisedCiEvent, RefType } from "./types";

const REPOSITORY_PATTERN = /^[^/\s]+(?:\/[^/\s]+)+$/;
const SHA_PATTERN = /^[0-9a-f]{7,64}$/;

/** `Owner/Name` → `owner/name`; GitLab subgroup paths keep every segment. */
export function normaliseRepository(raw: string): string | null {
  const repository = trimBoth(raw.trim(), "/").toLowerCase();
  return REPOSITORY_PATTERN.test(repository) ? repository : null;
}

/** `https://github.com/Agency/Site.git` → `agency/site`. */
export function repositoryFromUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return normaliseRepository(decodeURIComponent(url.pathname).replace(/\.git$/, ""));
}

export function normaliseSha(raw: string): string | null {
  const sha = raw.trim().toLowerCase();
  return SHA_PATTERN.test(sha) ? sha : null;
}

/** A full 40/64-hex SHA at the end of a commit URL (GitLab deployment hooks only send a short SHA). */
export function shaFromCommitUrl(raw: string | null | undefined): string | null {
  const match = raw ? /\/([0-9a-fA-F]{40}|[0-9a-fA-F]{64})\/?$/.exec(raw) : null;
  return match?.[1] ? match[1].toLowerCase() : null;
}

/**
 * Removes a `refs/heads/` or `refs/tags/` prefix and records which it was. A bare name keeps the
 * provider's own hint (for example GitLab's `tag` flag) or null when the provider gives none.
 */
export function splitRef(
  raw: string | null | undefined,
  hint: RefType | null = null,
): { ref: string | null; ref_type: RefType | null } {
  if (raw === null || raw === undefined || raw.trim() === "") return { ref: null, ref_type: hint };
  if (raw.startsWith("refs/heads/")) return { ref: raw.slice("refs/heads/".length), ref_type: "branch" };
  if (raw.startsWith("refs/tags/")) return { ref: raw.slice("refs/tags/".length), ref_type: "tag" };
  return { ref: raw, ref_type: hint };
}

/**
 * Keeps only http(s) URLs. Payload URLs end up as links in dashboards and emails, so a
 * `javascript:` or `data:` URL from a payload must never get through.
 */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? raw.trim() : null;
  } catch {
    return null;
  }
}

/**
 * A readable summary of what failed validation: paths and expectations only. Zod messages do not
 * include the offending values, so nothing from the payload is echoed back or logged.
 */
export function describeZodProblem(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : "";
  return parts.join("; ") + more;
}

// `2026-03-02T04:05:06Z`, `…06.547563+00:00`, GitLab's `2026-03-02 04:05:06 UTC` and `… +0200`.
const PROVIDER_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,9})? ?(Z|UTC|[+-]\d{2}:?\d{2})?$/;

/**
 * A provider's timestamp as RFC 3339 UTC with milliseconds, or null when it is absent or not a
 * time we can read (an unreadable time only costs the ordering check, never the delivery).
 */
export function providerTime(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const parts = PROVIDER_TIME.exec(raw.trim());
  if (parts === null) return null;
  const [, date, time, fraction = "", zone = "Z"] = parts;
  const offset = zone === "UTC" || zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction === "" ? "" : fraction.slice(0, 4);
  const instant = new Date(`${date}T${time}${millis}${offset}`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

/** The first readable time among a payload's candidates, in order (e.g. finished, else updated). */
export function firstProviderTime(...candidates: Array<string | null | undefined>): string | null {
  for (const candidate of candidates) {
    const time = providerTime(candidate);
    if (time !== null) return time;
  }
  return null;
}

export function malformed(problem: string): MalformedCiEvent {
  return { kind: "malformed", problem };
}

interface SubjectInput extends Omit<CiEventSubject, "repository" | "sha"> {
  repository: string | null;
  sha: string | null;
}

/** Checks that repository and SHA are usable; releases are matched on them, so they are required. */
export function buildSubject(input: SubjectInput): CiEventSubject | MalformedCiEvent {
  const repository = input.repository === null ? null : normaliseRepository(input.repository);
  if (repository === null) return malformed("repository: expected an owner/name path");
  const sha = input.sha === null ? null : normaliseSha(input.sha);
  if (sha === null) return malformed("sha: expected a hexadecimal commit SHA of 7 to 64 characters");
  return { ...input, repository, sha };
}

export function isMalformed(value: CiEventSubject | MalformedCiEvent): value is MalformedCiEvent {
  return "kind" in value && value.kind === "malformed";
}

export interface StagedEventInput {
  match: StageMatch;
  outcome: Outcome;
  subject: CiEventSubject;
  /** Name shown as the test suite. */
  suite: string;
  environment: string | null;
  environment_url: string | null;
}

/**
 * Turns a resolved stage and outcome into the event the release acts on: a deployment when the
 * name maps to "deployment", otherwise a test result for the mapped stage.
 */
export function eventForStage(input: StagedEventInput): NormalisedCiEvent {
  const { match, outcome, subject } = input;
  if (match.target === "deployment") {
    const phase = deploymentPhaseFor(outcome);
    if (phase === null) {
      return {
        kind: "ignored",
        reason: `status "${subject.provider_status}" does not change a deployment (stage_map key "${match.key}")`,
      };
    }
    return {
      kind: "deployment",
      phase,
      environment: input.environment,
      environment_url: input.environment_url,
      ...subject,
    };
  }
  const status = testStatusFor(outcome);
  if (status === null) {
    return {
      kind: "ignored",
      reason: `status "${subject.provider_status}" carries no test result (stage_map key "${match.key}")`,
    };
  }
  return { kind: "test_result", stage: match.target, suite: input.suite, status, ...subject };
}

export function unknownStatus(what: string, status: string): NormalisedCiEvent {
  return { kind: "ignored", reason: `unknown ${what} status "${status}"` };
}
