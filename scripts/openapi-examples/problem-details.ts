import { ids } from "./world";

// What the API says, per operation family, for the problems whose sentence depends on the family:
// the thing that was not found, who may act, what conflicts, what a body names that is not in the
// agency. The sentences are the ones the handlers send (src/routes/*/handlers.ts, src/app/errors.ts,
// src/releases/operations), so an example shows a client the text it will really get. A family
// is an operation's first tag.

export interface FieldProblem {
  detail: string;
  field: string;
  message: string;
}

export interface FamilyProblems {
  /** The noun `notFound(…)` is given in the family's handlers ("The release"). */
  notFound: string;
  /**
   * Who may act: requireRole's action phrase (the roles come from the operation's `x-roles`), or
   * the family's own sentence when its refusal is not about the role alone.
   */
  forbidden: { action: string } | { detail: string };
  /** A 409 the family sends, with the field it names when it names one. */
  conflict: { detail: string; field?: string };
  /** A 422 for a body naming something that is not in the agency; without it, a reused Idempotency-Key. */
  unprocessable?: FieldProblem;
}

const releaseFamily = (what: string): FamilyProblems => ({
  notFound: "The release",
  forbidden: {
    detail: "Only this release's release manager (or an owner acting as one) may issue 'go_no_go'.",
  },
  conflict: { detail: `The release is closed; ${what} can no longer change.` },
});

const duplicate = { detail: "A resource with the same unique values already exists." };

export const FAMILY_PROBLEMS: Record<string, FamilyProblems> = {
  Platform: {
    notFound: "The agency",
    forbidden: { detail: "Creating agencies needs the platform admin token, not a member token." },
    conflict: { detail: "An agency with this slug already exists; choose another slug.", field: "slug" },
  },
  Agency: {
    notFound: "The agency",
    forbidden: { action: "Changing agency settings" },
    conflict: duplicate,
  },
  Members: {
    notFound: "The member",
    forbidden: { action: "Changing members" },
    conflict: { detail: "A member with this email already exists in your agency.", field: "email" },
  },
  Tokens: {
    notFound: "The token",
    forbidden: {
      detail: "Only owners may issue tokens for other members; ask an owner, or use your own member_id.",
    },
    conflict: { detail: "The member has been removed; tokens cannot be issued for them." },
    unprocessable: {
      detail: "member_id names no member of your agency.",
      field: "body.member_id",
      message: "unknown member",
    },
  },
  Clients: {
    notFound: "The client",
    forbidden: { action: "Changing clients" },
    conflict: { detail: "A client with this name already exists in your agency.", field: "name" },
  },
  Projects: {
    notFound: "The project",
    forbidden: { action: "Changing projects" },
    conflict: { detail: "A project with this slug already exists in your agency.", field: "slug" },
    unprocessable: {
      detail: "client_id names no client in your agency; create the client first.",
      field: "body.client_id",
      message: "no such client",
    },
  },
  Releases: {
    ...releaseFamily("it"),
    unprocessable: {
      detail: "project_id names no project in your agency.",
      field: "body.project_id",
      message: "no such project",
    },
  },
  Checklist: releaseFamily("its checklist"),
  "Release facts": releaseFamily("its test plan"),
  "Issue reports": { ...releaseFamily("its issues"), notFound: "The issue report" },
  "Sign-offs": {
    ...releaseFamily("its sign-offs"),
    forbidden: {
      detail:
        "Only approvers on this release's team sign off; ask the release manager to add you as an approver (PUT /v1/releases/{id}/team).",
    },
  },
  Investigation: {
    ...releaseFamily("its investigation"),
    notFound: "The investigation",
    forbidden: {
      detail:
        "Only an owner or a release manager may close the investigation; engineers write its summary and corrective actions.",
    },
    unprocessable: {
      detail: "owner_id names no active member of your agency.",
      field: "body.owner_id",
      message: "no such member",
    },
  },
  "Release notes": {
    ...releaseFamily("its notes"),
    forbidden: { action: "Changing the release-notes template" },
  },
  Windows: {
    notFound: "The window",
    forbidden: { action: "Managing deployment windows" },
    conflict: duplicate,
    unprocessable: {
      detail: "project_id names no project in your agency.",
      field: "body.project_id",
      message: "no such project",
    },
  },
  Calendar: {
    notFound: "The feed token",
    forbidden: { action: "Issuing calendar feed tokens" },
    conflict: duplicate,
    unprocessable: {
      detail: "body.client_id: no such client in your agency.",
      field: "body.client_id",
      message: "no such record in your agency",
    },
  },
  "CI integrations": {
    notFound: "The integration",
    forbidden: { action: "Changing CI integrations" },
    conflict: duplicate,
    unprocessable: {
      detail:
        "project_ids: the project has no repository; set it (owner/name) with PATCH /v1/projects/{id} first.",
      field: "body.project_ids.0",
      message: "the project has no repository; set it (owner/name) with PATCH /v1/projects/{id} first",
    },
  },
  Contacts: {
    notFound: "The contact",
    forbidden: { action: "Correcting contacts" },
    conflict: { detail: "Another contact of this agency already has that email address." },
    unprocessable: {
      detail: "client_id names no client of this agency.",
      field: "body.client_id",
      message: "unknown client",
    },
  },
  Notifications: {
    notFound: "The message",
    forbidden: { detail: "Only the release's release manager or an owner may cancel its messages." },
    conflict: { detail: "The release is closed; its messages can no longer change." },
    unprocessable: {
      detail: `Unknown or erased contact(s): ${ids.contact}.`,
      field: "body.contacts",
      message: `no contact ${ids.contact}`,
    },
  },
  Metrics: {
    notFound: "The client",
    forbidden: { action: "Sharing a client's report" },
    conflict: duplicate,
    unprocessable: {
      detail: "The report cannot be made: body.month must not be after the current month (2026-12).",
      field: "body.month",
      message: "must not be after the current month (2026-12)",
    },
  },
};
