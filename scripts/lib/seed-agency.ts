// Creates an agency through the public API, the way a customer would: used by
// `npm start` (the demo agency) and `npm run bench` (the measured agency).

export const SEEDED_ROLES = ["release_manager", "engineer", "viewer"] as const;
export type SeededRole = "owner" | (typeof SEEDED_ROLES)[number];

export interface SeededAgency {
  tenantId: string;
  slug: string;
  tokens: Record<SeededRole, string>;
  clientId: string;
  projectId: string;
}

interface JsonResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: API bodies are read field by field
  body: any;
  text: string;
}

/** One JSON call to the API; POST when there is a body. */
export async function callApi(
  baseUrl: string,
  path: string,
  options: { token?: string; body?: unknown; method?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

function expectStatus(response: JsonResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(
      `${what} answered ${response.status}, expected ${status}: ${response.text.slice(0, 500)}`,
    );
  }
}

/**
 * Seeds an agency with one member and token per role, a client and a project.
 * `slug` is tried first; if it is taken (an earlier seed whose tokens were
 * lost), a suffixed slug is used instead.
 */
export async function seedAgency(
  baseUrl: string,
  adminToken: string,
  options: { slug: string; name: string; emailDomain: string },
): Promise<SeededAgency> {
  let slug = options.slug;
  let created = await createTenant(baseUrl, adminToken, slug, options);
  if (created.status === 409) {
    slug = `${options.slug}-${crypto.randomUUID().slice(0, 8)}`;
    created = await createTenant(baseUrl, adminToken, slug, options);
  }
  expectStatus(created, 201, "POST /v1/tenants");
  const owner: string = created.body.token.token;
  const tokens = { owner } as Record<SeededRole, string>;

  const names: Record<(typeof SEEDED_ROLES)[number], string> = {
    release_manager: "Riley Release-Manager",
    engineer: "Eden Engineer",
    viewer: "Vic Viewer",
  };
  for (const role of SEEDED_ROLES) {
    const member = await callApi(baseUrl, "/v1/members", {
      token: owner,
      body: { name: names[role], email: `${role.replace("_", "-")}@${options.emailDomain}`, role },
    });
    expectStatus(member, 201, `POST /v1/members (${role})`);
    const token = await callApi(baseUrl, "/v1/tokens", {
      token: owner,
      body: { member_id: member.body.id, name: `${role} (seeded)` },
    });
    expectStatus(token, 201, `POST /v1/tokens (${role})`);
    tokens[role] = token.body.token;
  }

  const client = await callApi(baseUrl, "/v1/clients", { token: owner, body: { name: "Harbour Cafe" } });
  expectStatus(client, 201, "POST /v1/clients");
  const project = await callApi(baseUrl, "/v1/projects", {
    token: owner,
    body: {
      client_id: client.body.id,
      name: "Harbour Cafe website",
      slug: "harbour-cafe-site",
      repository: `${slug}/harbour-cafe-site`,
    },
  });
  expectStatus(project, 201, "POST /v1/projects");

  return {
    tenantId: created.body.tenant.id,
    slug,
    tokens,
    clientId: client.body.id,
    projectId: project.body.id,
  };
}

function createTenant(
  baseUrl: string,
  adminToken: string,
  slug: string,
  options: { name: string; emailDomain: string },
): Promise<JsonResponse> {
  return callApi(baseUrl, "/v1/tenants", {
    token: adminToken,
    body: {
      name: options.name,
      slug,
      timezone: "Australia/Sydney",
      state: "NSW",
      owner: { name: "Olivia Owner", email: `owner@${options.emailDomain}` },
    },
  });
}
