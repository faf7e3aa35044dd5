import { ids, names, pageOf, times } from "./world";

// Examples for the service, the agency, its members, tokens, clients and projects, keyed by the
// component schema each illustrates.

const sender = {
  name: "Paddock & Pixel Releases",
  email: "releases@paddockandpixel.com.au",
  email_confirmed_at: "2026-11-04T00:12:45.000Z",
  postal_address: "Level 2, 18 Oxford Street, Paddington NSW 2021",
  phone: "+61 2 9356 1840",
};

const tenant = {
  id: ids.tenant,
  slug: names.agencySlug,
  name: names.agency,
  timezone: names.timezone,
  state: names.state,
  second_approver_for_high_risk: true,
  client_sign_off_for_high_risk: true,
  auto_rollback_on_failure: false,
  retention_days: 730,
  holidays_enabled: true,
  sender,
  created_at: times.agencyCreated,
  updated_at: times.updated,
};

const owner = {
  id: ids.owner,
  name: names.owner,
  email: names.ownerEmail,
  role: "owner",
  active: true,
  created_at: times.agencyCreated,
  updated_at: times.agencyCreated,
};

const releaseManager = {
  id: ids.releaseManager,
  name: names.releaseManager,
  email: names.releaseManagerEmail,
  role: "release_manager",
  active: true,
  created_at: "2026-11-03T00:02:11.000Z",
  updated_at: "2026-11-03T00:02:11.000Z",
};

const apiToken = {
  id: ids.ciToken,
  member_id: ids.releaseManager,
  name: "GitHub Actions — harbourbikes-web",
  created_at: "2026-11-05T03:30:00.000Z",
  expires_at: "2027-02-03T03:30:00.000Z",
  revoked_at: null,
};

const ownerToken = {
  id: ids.ownerToken,
  member_id: ids.owner,
  name: "Owner token",
  created_at: times.agencyCreated,
  expires_at: times.tokenExpires,
  revoked_at: null,
  token:
    "eyJhbGciOiJFUzI1NiIsImtpZCI6InJwLTIwMjYtMTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJyZWxlYXNlLXBpbG90Iiwicm9sZSI6Im93bmVyIn0.c2lnbmF0dXJlLWV4YW1wbGU",
};

const client = {
  id: ids.client,
  name: names.client,
  timezone: names.timezone,
  state: names.state,
  holidays_enabled: null,
  created_at: times.clientCreated,
  updated_at: times.clientCreated,
};

const project = {
  id: ids.project,
  client_id: ids.client,
  name: names.project,
  slug: names.projectSlug,
  kind: "website",
  repository: names.repository,
  production_url: names.productionUrl,
  created_at: "2026-11-03T01:25:40.000Z",
  updated_at: "2026-11-03T01:25:40.000Z",
};

export const agencyExamples: Record<string, unknown> = {
  Health: { status: "ok" },
  Ready: { status: "ready", database: "ok" },
  JWKS: {
    keys: [
      {
        kty: "EC",
        crv: "P-256",
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        kid: "rp-2026-11",
        alg: "ES256",
        use: "sig",
      },
    ],
  },
  TenantCreate: {
    name: names.agency,
    slug: names.agencySlug,
    timezone: names.timezone,
    state: names.state,
    owner: { name: names.owner, email: names.ownerEmail },
  },
  TenantCreated: { tenant, owner, token: ownerToken },
  Tenant: tenant,
  TenantPatch: {
    second_approver_for_high_risk: true,
    client_sign_off_for_high_risk: true,
    retention_days: 730,
    sender: {
      name: "Paddock & Pixel Releases",
      email: "releases@paddockandpixel.com.au",
      postal_address: "Level 2, 18 Oxford Street, Paddington NSW 2021",
      phone: "+61 2 9356 1840",
    },
  },
  SenderEmailConfirmation: {
    email: "releases@paddockandpixel.com.au",
    expires_at: "2026-12-04T05:02:19.000Z",
  },
  Member: releaseManager,
  MemberPage: pageOf([owner, releaseManager]),
  MemberCreate: { name: names.releaseManager, email: names.releaseManagerEmail, role: "release_manager" },
  MemberPatch: { role: "owner" },
  ApiToken: apiToken,
  ApiTokenPage: pageOf([apiToken]),
  ApiTokenCreate: {
    member_id: ids.releaseManager,
    name: "GitHub Actions — harbourbikes-web",
    expires_in_days: 90,
  },
  IssuedApiToken: { ...apiToken, token: ownerToken.token },
  Client: client,
  ClientPage: pageOf([client]),
  ClientCreate: { name: names.client, timezone: names.timezone, state: names.state },
  ClientPatch: { holidays_enabled: true },
  Project: project,
  ProjectPage: pageOf([project]),
  ProjectCreate: {
    client_id: ids.client,
    name: names.project,
    slug: names.projectSlug,
    kind: "website",
    repository: names.repository,
    production_url: names.productionUrl,
  },
  ProjectPatch: { production_url: "https://www.harbourbikes.com.au" },
};
