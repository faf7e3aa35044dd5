import { env } from "cloudflare:workers";
import { base64url, type CryptoKey, exportSPKI, importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { api } from "../../support/api";
import { seedAgency } from "../../support/harness";
import {
  changedTables,
  Failures,
  problemMismatch,
  readsThenWritesThenDeletes,
  send,
} from "../isolation/sweep";
import { tenantFingerprint } from "../support/fingerprint";
import { type Operation, operations, usesBearer } from "../support/spec";
import { validRequest } from "../support/valid-request";
import { seedWorld, type World } from "../support/world";

// Token attacks against every bearer operation in the OpenAPI document, each
// with a valid request: every forged, tampered, expired, revoked or orphaned
// token answers 401 unauthorized problem+json with a Bearer challenge, and the
// agency's data is unchanged (tenantFingerprint around each write, and once
// around all the reads).
//
// Each forgery differs from a token the API accepts in the attacked part only:
// it claims the agency's owner and carries the owner's real token id, so a
// check that is missing shows up as a 2xx, not hidden behind another refusal.
// The first test proves that baseline is accepted.
//
// Random parts: none. Token ids are the API's own; the forged instants are
// relative to the clock; the made-up feed token is a fixed string.

let world: World;
const attacks: { name: string; token: string }[] = [];

const signingJwk = () => JSON.parse(env.JWT_SIGNING_KEY) as JWK;
const publicPart = ({ d: _d, ...rest }: JWK): JWK => rest;
const now = () => Math.floor(Date.now() / 1000);

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1] ?? "")));
}

/** The agency owner's claims exactly as the API issues them, with any part replaced. */
function ownerClaims(overrides: Record<string, unknown> = {}) {
  const issued = claimsOf(world.agency.tokens.owner);
  return { ...issued, iat: now() - 60, exp: now() + 600, ...overrides };
}

async function signed(claims: Record<string, unknown>, options: { jwk?: JWK; kid?: string } = {}) {
  const jwk = options.jwk ?? signingJwk();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: options.kid ?? (jwk.kid as string) })
    .sign(await importJWK(jwk, "ES256"));
}

async function hs256(claims: Record<string, unknown>, secret: string) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: signingJwk().kid as string })
    .sign(new TextEncoder().encode(secret));
}

/** A real token with its payload replaced and its header and signature kept. */
function tampered(token: string, changes: Record<string, unknown>) {
  const [header, , signature] = token.split(".");
  const payload = base64url.encode(JSON.stringify({ ...claimsOf(token), ...changes }));
  return `${header}.${payload}.${signature}`;
}

async function created(path: string, token: string, body?: unknown, method?: string) {
  const res = await api(path, { token, body, ...(method ? { method } : {}) });
  expect(res.status, `${method ?? "POST"} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

beforeAll(async () => {
  world = await seedWorld();
  const owner = world.agency.tokens.owner;

  // A second owner, removed: their token was real and is now orphaned.
  const leaver = await created("/v1/members", owner, {
    name: "Departed Owner",
    email: `departed@${world.agency.slug}.example`,
    role: "owner",
  });
  const leaverToken = await created("/v1/tokens", owner, { member_id: leaver.id, name: "departed" });
  await created(`/v1/members/${leaver.id}`, owner, undefined, "DELETE");

  // A second token of the agency's owner, revoked.
  const revoked = await created("/v1/tokens", owner, {
    member_id: world.agency.members.owner.id,
    name: "old",
  });
  await created(`/v1/tokens/${revoked.id}`, owner, undefined, "DELETE");

  // Another agency's owner, whose token is edited to name this agency.
  const other = await seedAgency();

  const published = (await api("/.well-known/jwks.json")).body.keys.find(
    (key: JWK) => key.kid === signingJwk().kid,
  ) as JWK;
  const pem = await exportSPKI((await importJWK(publicPart(signingJwk()), "ES256")) as CryptoKey);
  const foreign = JSON.parse(inject("jwtForeignKey")) as JWK;
  const none = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(
    JSON.stringify(ownerClaims()),
  )}.`;

  attacks.push(
    { name: "alg none", token: none },
    {
      name: "HS256 keyed with the published public JWK",
      token: await hs256(ownerClaims(), JSON.stringify(published)),
    },
    { name: "HS256 keyed with the public key's PEM", token: await hs256(ownerClaims(), pem) },
    { name: "expired", token: await signed(ownerClaims({ iat: now() - 7200, exp: now() - 60 })) },
    { name: "nbf in the future", token: await signed(ownerClaims({ nbf: now() + 3600 })) },
    { name: "wrong aud", token: await signed(ownerClaims({ aud: "https://someone-else.example" })) },
    { name: "wrong iss", token: await signed(ownerClaims({ iss: "https://evil.example" })) },
    {
      name: "unknown kid (signed with the real key)",
      token: await signed(ownerClaims(), { kid: "unknown-kid" }),
    },
    {
      name: "foreign key with the real kid",
      token: await signed(ownerClaims(), { jwk: foreign, kid: signingJwk().kid as string }),
    },
    { name: "revoked jti", token: revoked.token },
    {
      name: "tampered payload: viewer's token claiming owner",
      token: tampered(world.agency.tokens.viewer, { role: "owner" }),
    },
    {
      name: "tampered payload: another agency's owner token naming this agency",
      token: tampered(other.tokens.owner, { tid: world.agency.tenantId }),
    },
    { name: "deactivated member's token", token: leaverToken.token },
    { name: "the platform admin secret as a member token", token: env.ADMIN_TOKEN },
  );
});

const bearer = readsThenWritesThenDeletes(operations().filter(usesBearer));
const reads = bearer.filter((operation) => operation.method === "get");
const writes = bearer.filter((operation) => operation.method !== "get");

describe("token attacks", () => {
  const failures = new Failures();
  let requests = 0;

  async function attack(operation: Operation) {
    const request = validRequest(operation, { pathWorld: world, actor: "owner" });
    for (const { name, token } of attacks) {
      requests++;
      const res = await send(request, token);
      const mismatch =
        problemMismatch(res, 401, "unauthorized") ??
        (res.headers.get("WWW-Authenticate")?.startsWith("Bearer")
          ? undefined
          : "no Bearer WWW-Authenticate");
      if (mismatch) failures.add(operation, `${name}: ${mismatch}`);
    }
  }

  it("the baseline the forgeries start from is accepted (so each attack changes one thing)", async () => {
    const baseline = await signed(ownerClaims());
    expect((await api("/v1/tenant", { token: baseline })).status).toBe(200);
    expect(attacks.length).toBeGreaterThanOrEqual(14);
  });

  it("every attack on every bearer read answers 401, and nothing changes", async () => {
    const before = await tenantFingerprint(world.agency.tenantId);
    for (const operation of reads) await attack(operation);
    const changed = changedTables(before, await tenantFingerprint(world.agency.tenantId));
    if (changed.length > 0) failures.add("reads", `changed ${changed.join(", ")}`);
  });

  it("every attack on every bearer write answers 401, and each write changes nothing", async () => {
    for (const operation of writes) {
      const before = await tenantFingerprint(world.agency.tenantId);
      await attack(operation);
      const changed = changedTables(before, await tenantFingerprint(world.agency.tenantId));
      if (changed.length > 0) failures.add(operation, `changed ${changed.join(", ")}`);
    }
  });

  it("reports", () => {
    failures.print("tokens");
    console.log(
      `[hardening] tokens: ${attacks.length} attacks × ${bearer.length} bearer operations (${reads.length} reads, ${writes.length} writes) ` +
        `→ ${requests} requests expecting 401; ${failures.list.length} failures. Attacks: ${attacks.map((a) => a.name).join("; ")}`,
    );
    expect(failures.list).toEqual([]);
  });
});

describe("calendar feed token attacks (GET /v1/calendar.ics?token=)", () => {
  const feed = operations().find((operation) => operation.schemes.includes("calendarFeedToken"));

  it("refuses forged, tampered, revoked and orphaned feed tokens with 401; accepts a live one", async () => {
    expect(feed, "an operation secured by calendarFeedToken").toBeDefined();
    if (!feed) return;
    const owner = world.agency.tokens.owner;
    const live = await created("/v1/calendar/feed-tokens", owner, { name: "Sweep calendar" });
    const revoked = await created("/v1/calendar/feed-tokens", owner, { name: "Revoked calendar" });
    await created(`/v1/calendar/feed-tokens/${revoked.id}`, owner, undefined, "DELETE");
    // A feed token whose creator has since left the agency.
    const leaver = await created("/v1/members", owner, {
      name: "Departed Manager",
      email: `departed-manager@${world.agency.slug}.example`,
      role: "release_manager",
    });
    const leaverToken = await created("/v1/tokens", owner, { member_id: leaver.id });
    const orphan = await created("/v1/calendar/feed-tokens", leaverToken.token, {
      name: "Orphaned calendar",
    });
    await created(`/v1/members/${leaver.id}`, owner, undefined, "DELETE");

    const liveToken = String(live.token);
    const flipped = `${liveToken.slice(0, -1)}${liveToken.endsWith("A") ? "B" : "A"}`;
    const request = validRequest(feed, { pathWorld: world });
    const withFeedToken = (token: string) => {
      const url = new URL(request.url, "http://api.test");
      url.searchParams.set("token", token);
      return api(`${url.pathname}${url.search}`, { method: "GET" });
    };

    const control = await withFeedToken(liveToken);
    expect(control.status, control.text).toBe(200);

    const cases: [string, () => ReturnType<typeof api>][] = [
      ["made-up feed token", () => withFeedToken("rpcal_made-up-token-that-was-never-issued")],
      ["live feed token with its last character changed", () => withFeedToken(flipped)],
      ["revoked feed token", () => withFeedToken(String(revoked.token))],
      ["feed token of a removed member", () => withFeedToken(String(orphan.token))],
      ["an API token sent as a feed token", () => withFeedToken(owner)],
      ["empty feed token", () => withFeedToken("")],
      ["feed token sent as a bearer token", () => api(request.url, { token: liveToken })],
    ];
    const failures = new Failures();
    const before = await tenantFingerprint(world.agency.tenantId);
    for (const [name, sendIt] of cases) {
      const mismatch = problemMismatch(await sendIt(), 401, "unauthorized");
      if (mismatch) failures.add(feed, `${name}: ${mismatch}`);
    }
    const changed = changedTables(before, await tenantFingerprint(world.agency.tenantId));
    if (changed.length > 0) failures.add(feed, `changed ${changed.join(", ")}`);
    failures.print("tokens (calendar feed)");
    console.log(
      `[hardening] tokens: ${cases.length} calendar feed token attacks → 401; ${failures.list.length} failures`,
    );
    expect(failures.list).toEqual([]);
  });
});
