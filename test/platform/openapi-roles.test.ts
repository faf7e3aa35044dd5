import { describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { authorize, COMMAND_AUTHORITY, type CommandKey } from "../../src/domain/lifecycle";
import { ROLES, type Role } from "../../src/lib/auth/tokens";
import {
  LIFECYCLE_COMMAND_KEYS,
  LIFECYCLE_ROLES,
  type MemberLifecycleCommand,
  RELEASE_MANAGER_ROLES,
} from "../../src/releases/operation-roles";
import { api } from "../support/api";
import { seedAgency } from "../support/harness";
import { createRelease } from "../support/releases";

// The hardening sweeps read who may call each operation from the document's
// `x-roles`; these checks keep that declaration complete and truthful.

interface DocumentedOperation {
  id: string;
  schemes: string[];
  roles: unknown;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function documentedOperations(): DocumentedOperation[] {
  const paths = spec.paths as Record<string, Record<string, Record<string, unknown>>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      if (!op) return [];
      const security = (op.security ?? []) as Record<string, unknown>[];
      return [
        {
          id: `${method.toUpperCase()} ${path}`,
          schemes: security.flatMap((requirement) => Object.keys(requirement)),
          roles: op["x-roles"],
        },
      ];
    }),
  );
}

const operations = documentedOperations();
const bearer = operations.filter((op) => op.schemes.includes("bearerAuth"));
const notBearer = operations.filter((op) => !op.schemes.includes("bearerAuth"));

describe("x-roles in openapi/openapi.json", () => {
  it("the document has member operations and public ones to check", () => {
    expect(bearer.length).toBeGreaterThan(50);
    expect(notBearer.map((op) => op.id)).toEqual(
      expect.arrayContaining(["GET /health", "POST /v1/tenants", "POST /hooks/{integration_id}"]),
    );
  });

  it.each(bearer.map((op) => [op.id, op] as const))("%s declares the roles that may call it", (_, op) => {
    expect(Array.isArray(op.roles), `${op.id} has no x-roles`).toBe(true);
    const roles = op.roles as unknown[];
    expect(roles.length, `${op.id} has empty x-roles`).toBeGreaterThan(0);
    for (const role of roles) expect(ROLES, `${op.id}: ${String(role)}`).toContain(role);
    expect(new Set(roles).size, `${op.id} repeats a role`).toBe(roles.length);
  });

  it.each(notBearer.map((op) => [op.id, op] as const))("%s declares no roles (no member token)", (_, op) => {
    expect(op.roles).toBeUndefined();
  });

  it("every read a member token may make is open to every role", () => {
    const restricted = bearer
      .filter((op) => op.id.startsWith("GET ") && (op.roles as Role[]).length < ROLES.length)
      .map((op) => op.id);
    // A person's full data export is kept from engineers and viewers, and webhook endpoints from
    // everyone but owners (a Slack or Teams incoming-webhook URL is itself a credential to post to
    // the channel); every other read masks what a role may not see instead of refusing.
    expect(restricted.sort()).toEqual(
      [
        "GET /v1/contacts/{id}/export",
        "GET /v1/webhook-endpoints",
        "GET /v1/webhook-endpoints/{id}",
        "GET /v1/webhook-endpoints/{id}/deliveries",
      ].sort(),
    );
  });
});

describe("the lifecycle commands' x-roles", () => {
  const me = "member-under-test";
  const someoneElse = "another-member";

  it("name every authority key a member can send (the window ticks are the cron's)", () => {
    const sent = Object.values(LIFECYCLE_COMMAND_KEYS).flat();
    const scheduled = Object.entries(COMMAND_AUTHORITY)
      .filter(([, capacities]) => capacities.every((capacity) => capacity === "scheduler"))
      .map(([key]) => key);
    expect(new Set(sent).size).toBe(sent.length);
    expect([...sent, ...scheduled].sort()).toEqual(Object.keys(COMMAND_AUTHORITY).sort());
  });

  it("list exactly the roles the authority rules let send each command on some release", () => {
    for (const [type, keys] of Object.entries(LIFECYCLE_COMMAND_KEYS) as [
      MemberLifecycleCommand,
      readonly CommandKey[],
    ][]) {
      for (const role of ROLES) {
        // A member can be a release's manager only with a role setTeam accepts for it.
        const managers = RELEASE_MANAGER_ROLES.includes(role) ? [me, someoneElse, null] : [someoneElse, null];
        const mayAct = keys.some((key) =>
          managers.some(
            (managerId) =>
              authorize(
                key,
                { kind: "member", member_id: me, role },
                { release_manager_id: managerId, members: [] },
              ).ok,
          ),
        );
        expect(LIFECYCLE_ROLES[type].includes(role), `${type} by ${role}`).toBe(mayAct);
      }
    }
  });

  it("a release's manager must have one of RELEASE_MANAGER_ROLES (PUT /v1/releases/{id}/team)", async () => {
    const agency = await seedAgency();
    const releaseId = await createRelease(agency);
    for (const role of ROLES) {
      const res = await api(`/v1/releases/${releaseId}/team`, {
        method: "PUT",
        token: agency.tokens.owner,
        body: { release_manager_id: agency.members[role].id, members: [] },
      });
      expect(res.status, `${role} as release manager: ${res.text}`).toBe(
        RELEASE_MANAGER_ROLES.includes(role) ? 200 : 422,
      );
    }
  });
});
