import { expect } from "vitest";
import type { Role } from "../../src/lib/auth/tokens";
import { adminToken, api } from "./api";

export interface SeededAgency {
  tenantId: string;
  slug: string;
  members: Record<Role, { id: string; token: string }>;
  tokens: Record<Role, string>;
  clientId: string;
  projectId: string;
}

let counter = 0;
export const uniqueSlug = (prefix = "agency") =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** Creates an agency through the API the way a customer would, with one member and token per role. */
export async function seedAgency(options: { timezone?: string; state?: string } = {}): Promise<SeededAgency> {
  const slug = uniqueSlug();
  const created = await api("/v1/tenants", {
    token: adminToken(),
    body: {
      name: `Agency ${slug}`,
      slug,
      timezone: options.timezone ?? "Australia/Sydney",
      state: options.state ?? "NSW",
      owner: { name: "Olivia Owner", email: `owner@${slug}.example` },
    },
  });
  expect(created.status, created.text).toBe(201);
  const ownerToken: string = created.body.token.token;
  const members = { owner: { id: created.body.owner.id, token: ownerToken } } as SeededAgency["members"];
  for (const role of ["release_manager", "engineer", "viewer"] as const) {
    const member = await api("/v1/members", {
      token: ownerToken,
      body: { name: `${role} person`, email: `${role}@${slug}.example`, role },
    });
    expect(member.status, member.text).toBe(201);
    const token = await api("/v1/tokens", {
      token: ownerToken,
      body: { member_id: member.body.id, name: role },
    });
    expect(token.status, token.text).toBe(201);
    members[role] = { id: member.body.id, token: token.body.token };
  }
  const client = await api("/v1/clients", { token: ownerToken, body: { name: "Harbour Cafe" } });
  expect(client.status, client.text).toBe(201);
  const project = await api("/v1/projects", {
    token: ownerToken,
    body: {
      client_id: client.body.id,
      name: "Harbour Cafe website",
      slug: "harbour-cafe-site",
      repository: `${slug}/harbour-cafe-site`,
    },
  });
  expect(project.status, project.text).toBe(201);
  const tokens = Object.fromEntries(Object.entries(members).map(([role, m]) => [role, m.token])) as Record<
    Role,
    string
  >;
  return {
    tenantId: created.body.tenant.id,
    slug,
    members,
    tokens,
    clientId: client.body.id,
    projectId: project.body.id,
  };
}

/** Two agencies, so every suite can check that one never sees the other. */
export async function seedTwoAgencies(): Promise<[SeededAgency, SeededAgency]> {
  return [await seedAgency(), await seedAgency()];
}
