import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../src/lib/auth/tokens";
import { api } from "./api";
import type { SeededAgency } from "./harness";

export interface SecuredRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path of a resource that belongs to `agency`. */
  path: (agency: SeededAgency) => string;
  body?: (agency: SeededAgency) => unknown;
  /** Roles that may call it; every other role must get 403. Omit when every role may. */
  allowedRoles?: readonly Role[];
  /** True when the path names a resource of the agency, so another agency must get 404. */
  ownsResource?: boolean;
}

/**
 * The shared security cases every route's tests call: no token, a malformed
 * token, another agency's resource, and each role that may not do this.
 */
export function securityCases(
  name: string,
  route: SecuredRoute,
  agencies: () => [SeededAgency, SeededAgency],
) {
  describe(`${name} security`, () => {
    const request = (agency: SeededAgency, token: string | null) =>
      api(route.path(agency), { method: route.method, token, body: route.body?.(agency) });

    it("refuses a request without a token (401 problem+json)", async () => {
      const [a] = agencies();
      const res = await request(a, null);
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(res.body.code).toBe("unauthorized");
    });

    it("refuses a malformed token (401)", async () => {
      const [a] = agencies();
      const res = await request(a, "not-a-jwt");
      expect(res.status).toBe(401);
    });

    if (route.ownsResource) {
      it("answers 404 when another agency asks for this agency's resource", async () => {
        const [a, b] = agencies();
        const res = await request(a, b.tokens.owner);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe("not_found");
      });
    }

    const denied = route.allowedRoles ? ROLES.filter((role) => !route.allowedRoles?.includes(role)) : [];
    for (const role of denied) {
      it(`refuses the ${role} role (403)`, async () => {
        const [a] = agencies();
        const res = await request(a, a.tokens[role]);
        expect(res.status, res.text).toBe(403);
        expect(res.body.code).toBe("forbidden");
      });
    }
  });
}
