import { PROBLEM_TITLES, type ProblemCode } from "../../src/lib/problem";
import { FAMILY_PROBLEMS, type FamilyProblems, type FieldProblem } from "./problem-details";
import { ids, times } from "./world";

// The problem+json example for one status of one operation: the code, title and sentence the API
// sends for that status in that operation's family (src/lib/problem.ts fixes code → status and
// title), `instance` the operation's path with example ids, and the extension members the family
// adds (`errors[]`, `unmet_gates[]`, a window refusal's `policy` and `suggestions`).

/** What of an operation decides its problems; read from the document by add-examples.ts. */
export interface OperationFacts {
  operationId: string;
  method: string;
  path: string;
  family: string;
  security: string[];
  /** `x-roles`, and the roles of the family's write operations (for requireRole's sentence). */
  roles: string[] | undefined;
  familyWriteRoles: string[] | undefined;
  /** A change to one release, through its Durable Object (so it documents the release's ETag). */
  releaseCommand: boolean;
  /** The first required field of the JSON body, with its JSON Schema type; none without a body. */
  firstBodyField: { name: string; type: string } | undefined;
  queryParameters: string[];
}

const ROLE_LABEL: Record<string, string> = {
  owner: "owner",
  release_manager: "release manager",
  engineer: "engineer",
  viewer: "viewer",
};

/** Path parameters filled with the example world's ids, so `instance` reads like a real request. */
const PATH_VALUES: Record<string, string> = {
  item_id: ids.checklistItem,
  issue_id: ids.issue,
  action_id: ids.correctiveAction,
  link_id: ids.reportLink,
  integration_id: ids.integration,
  token: "aGFyYm91ci1iaWtlcy1leGFtcGxlLXRva2Vu",
  tenant_slug: "paddock-and-pixel",
  project_slug: "harbourbikes",
  version: "2.4.0",
};

const RESOURCE_IDS: Record<string, string> = {
  members: ids.releaseManager,
  tokens: ids.ciToken,
  clients: ids.client,
  projects: ids.project,
  releases: ids.release,
  windows: ids.maintenanceWindow,
  "feed-tokens": ids.feedToken,
  integrations: ids.integration,
  contacts: ids.contact,
  notifications: ids.notification,
};

function instanceOf(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string, offset: number) => {
    if (name !== "id") return PATH_VALUES[name] ?? name;
    const resource = path.slice(0, offset).split("/").filter(Boolean).at(-1) ?? "";
    return RESOURCE_IDS[resource] ?? ids.release;
  });
}

const GENERIC_FAMILY: FamilyProblems = {
  notFound: "The resource",
  forbidden: { detail: "Your role may not do this." },
  conflict: { detail: "A resource with the same unique values already exists." },
};

function validationProblem(facts: OperationFacts) {
  if (facts.firstBodyField) {
    const { name, type } = facts.firstBodyField;
    const message = `Invalid input: expected ${type}, received undefined`;
    return { detail: `body.${name}: ${message}`, errors: [{ path: `body.${name}`, message }] };
  }
  if (facts.queryParameters.includes("limit")) {
    const message = "Too big: expected number to be <=200";
    return { detail: `query.limit: ${message}`, errors: [{ path: "query.limit", message }] };
  }
  const message = "id must be a UUID";
  return { detail: `path.id: ${message}`, errors: [{ path: "path.id", message }] };
}

function unauthorizedDetail(facts: OperationFacts): string {
  if (facts.security.includes("adminToken")) return "The platform admin token is not valid.";
  if (facts.path === "/hooks/resend") return "The webhook signature was refused: no matching signature.";
  if (facts.path.startsWith("/hooks/")) {
    return "The signature does not match this integration's secret. Check the secret configured in your CI provider.";
  }
  if (facts.security.includes("calendarFeedToken"))
    return "The calendar feed token is unknown or has been revoked.";
  return "Send an API token as `Authorization: Bearer <token>`.";
}

function forbiddenDetail(facts: OperationFacts, family: FamilyProblems): string {
  if ("detail" in family.forbidden) return family.forbidden.detail;
  const allRoles = Object.keys(ROLE_LABEL);
  const restricted = (roles: string[] | undefined) => roles && roles.length < allRoles.length;
  const needed = restricted(facts.roles)
    ? facts.roles
    : restricted(facts.familyWriteRoles)
      ? facts.familyWriteRoles
      : ["owner"];
  const refused =
    ["viewer", "engineer", "release_manager"].find((role) => !needed?.includes(role)) ?? "viewer";
  const labels = (needed ?? []).map((role) => ROLE_LABEL[role] ?? role).join(" or ");
  return `${family.forbidden.action} needs the ${labels} role; your role is ${ROLE_LABEL[refused]}.`;
}

const GATES_UNMET = {
  detail: "The go decision needs every gate of pre-deployment verification to hold; 1 does not.",
  lifecycle_code: "gates_unmet",
  unmet_gates: [
    {
      id: "compliance_signed_off",
      stage: "pre_deployment_verification",
      ok: false,
      detail: "Australian Consumer Law s29 (sale prices and 'was' prices) needs a named person's sign-off.",
    },
  ],
};

const maintenanceOccurrence = {
  window_id: ids.maintenanceWindow,
  occurrence_key: `${ids.maintenanceWindow}@${times.windowStarts}`,
  kind: "maintenance",
  name: "Tuesday night maintenance",
  source: "window",
  starts_at: times.windowStarts,
  ends_at: "2026-12-08T13:00:00.000Z",
};

/** PUT /v1/releases/{id}/window refuses a slot with the policy's verdict and the next allowed slots. */
const WINDOW_REFUSED = {
  detail: `High-risk releases may deploy only inside a maintenance window; this slot is in business hours but not in a maintenance window. Next allowed: ${times.windowStarts}.`,
  policy: {
    rule: "high_risk_requires_maintenance_window",
    reasons: [
      {
        code: "high_risk_requires_maintenance_window",
        message:
          "High-risk releases may deploy only inside a maintenance window; this slot is in business hours but not in a maintenance window.",
        occurrence: null,
      },
    ],
  },
  suggestions: [
    {
      starts_at: times.windowStarts,
      ends_at: "2026-12-08T13:00:00.000Z",
      occurrences: [maintenanceOccurrence],
    },
  ],
};

function conflictProblem(facts: OperationFacts, family: FamilyProblems) {
  if (facts.releaseCommand && facts.method === "post")
    return { code: "gates_unmet" as const, ...GATES_UNMET };
  const { detail, field } = family.conflict;
  return {
    code: "conflict" as const,
    detail,
    ...(field ? { errors: [{ path: field, message: "already taken" }] } : {}),
  };
}

function unprocessableProblem(facts: OperationFacts, family: FamilyProblems) {
  if (facts.operationId === "putReleaseWindow") return { code: "unprocessable" as const, ...WINDOW_REFUSED };
  const named: FieldProblem | undefined = family.unprocessable;
  if (named) {
    return {
      code: "unprocessable" as const,
      detail: named.detail,
      errors: [{ path: named.field, message: named.message }],
    };
  }
  return {
    code: "idempotency_key_reused" as const,
    detail: "This Idempotency-Key was already used for a different request; use a new key for a new request.",
  };
}

function rateLimitedDetail(facts: OperationFacts): string {
  const what = facts.security.includes("adminToken")
    ? "Too many platform admin requests came from your address"
    : facts.path.startsWith("/hooks/")
      ? "This receiver has had too many deliveries from your address"
      : facts.security.length === 0
        ? "Too many requests for public pages came from your address"
        : "This API token has sent too many requests";
  return `${what}. Wait 23 s (Retry-After) before trying again; the limits are in the API reference under "Rate limits".`;
}

function problemFor(
  facts: OperationFacts,
  status: number,
): { code: ProblemCode; detail: string } & Record<string, unknown> {
  const family = FAMILY_PROBLEMS[facts.family] ?? GENERIC_FAMILY;
  switch (status) {
    case 400:
      return { code: "validation_failed", ...validationProblem(facts) };
    case 401:
      return { code: "unauthorized", detail: unauthorizedDetail(facts) };
    case 403:
      return { code: "forbidden", detail: forbiddenDetail(facts, family) };
    case 404:
      return { code: "not_found", detail: `${family.notFound} was not found.` };
    case 409:
      return conflictProblem(facts, family);
    case 412:
      return {
        code: "precondition_failed",
        detail:
          "The release has changed since you read it (your If-Match is version 6, it is now 7); GET it again and reapply your change.",
      };
    case 413:
      return { code: "payload_too_large", detail: "The request body is over 1 MiB; send less." };
    case 415:
      return {
        code: "unsupported_media_type",
        detail: "Send the body as JSON with `Content-Type: application/json`.",
      };
    case 422:
      return unprocessableProblem(facts, family);
    case 428:
      return {
        code: "precondition_required",
        detail: 'Send If-Match with the ETag from GET /v1/releases/{id}, e.g. "7".',
      };
    case 429:
      return { code: "rate_limited", detail: rateLimitedDetail(facts) };
    case 500:
      return {
        code: "internal",
        detail: "Something went wrong on our side. Report the request_id if it keeps happening.",
      };
    case 503:
      return facts.releaseCommand && facts.method !== "get"
        ? {
            code: "coordinator_unavailable",
            detail:
              "The release's coordinator restarted before it answered, so this change may or may not have been applied. Retry with the same Idempotency-Key: an applied change is answered again, never applied twice.",
          }
        : {
            code: "database_unavailable",
            detail:
              "The database cannot be reached right now. Retry after the Retry-After interval; a write retried with the same Idempotency-Key is never applied twice.",
          };
    default:
      throw new Error(`No problem example for status ${status} (${facts.operationId}); add one here.`);
  }
}

export function problemExample(facts: OperationFacts, status: number) {
  const { code, detail, ...extensions } = problemFor(facts, status);
  // The members in the order problemBody (src/lib/problem.ts) writes them.
  return {
    type: `/docs#problem-${code}`,
    title: PROBLEM_TITLES[code],
    status,
    detail,
    instance: instanceOf(facts.path),
    request_id: ids.request,
    code,
    ...extensions,
  };
}
