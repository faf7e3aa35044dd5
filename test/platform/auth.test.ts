import { env } from "cloudflare:workers";
import { base64url, exportJWK, importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const currentJwk = () => JSON.parse(env.JWT_SIGNING_KEY) as JWK;

interface TokenParts {
  kid?: string;
  alg?: string;
  claims?: Record<string, unknown>;
  jwk?: JWK;
}

/** Signs a token like the API does, with any part overridden. */
async function forge(parts: TokenParts = {}): Promise<string> {
  const jwk = parts.jwk ?? currentJwk();
  const claims = {
    tid: agency.tenantId,
    role: "owner",
    sub: agency.members.owner.id,
    jti: crypto.randomUUID(),
    iss: env.JWT_ISSUER,
    aud: env.JWT_AUDIENCE,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
    ...parts.claims,
  };
  const key = await importJWK(jwk, "ES256");
  return new SignJWT(claims)
    .setProtectedHeader({ alg: parts.alg ?? "ES256", kid: parts.kid ?? jwk.kid })
    .sign(key);
}

async function issueFor(memberId: string): Promise<{ id: string; token: string }> {
  const res = await api("/v1/tokens", { token: agency.tokens.owner, body: { member_id: memberId } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const expectUnauthorized = async (token: string) => {
  const res = await api("/v1/tenant", { token });
  expect(res.status, res.text).toBe(401);
  expect(res.body.code).toBe("unauthorized");
  expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
};

describe("token verification", () => {
  it("accepts a token the API issued", async () => {
    const res = await api("/v1/tenant", { token: agency.tokens.viewer });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(agency.tenantId);
  });

  it("refuses alg: none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const payload = base64url.encode(
      JSON.stringify({
        tid: agency.tenantId,
        sub: agency.members.owner.id,
        jti: crypto.randomUUID(),
        role: "owner",
      }),
    );
    await expectUnauthorized(`${header}.${payload}.`);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const { d: _d, ...publicJwk } = currentJwk();
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT({ tid: agency.tenantId, role: "owner" })
      .setProtectedHeader({ alg: "HS256", kid: currentJwk().kid })
      .setSubject(agency.members.owner.id)
      .setJti(crypto.randomUUID())
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setExpirationTime("10m")
      .sign(secret);
    await expectUnauthorized(token);
  });

  it("refuses an expired token and says so", async () => {
    const token = await forge({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    const res = await api("/v1/tenant", { token });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/expired/);
  });

  it("refuses a token not yet valid (future nbf)", async () => {
    await expectUnauthorized(await forge({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }));
  });

  it("refuses the wrong audience and the wrong issuer", async () => {
    await expectUnauthorized(await forge({ claims: { aud: "someone-else" } }));
    await expectUnauthorized(await forge({ claims: { iss: "https://evil.example" } }));
  });

  it("refuses an unknown kid, and a known kid signed with a foreign key", async () => {
    const foreign = JSON.parse(inject("jwtForeignKey")) as JWK;
    await expectUnauthorized(await forge({ jwk: { ...foreign, kid: "never-seen" } }));
    await expectUnauthorized(await forge({ jwk: foreign, kid: currentJwk().kid }));
  });

  it("refuses a tampered payload", async () => {
    const [header, , signature] = agency.tokens.viewer.split(".");
    const payload = base64url.encode(
      JSON.stringify({
        tid: agency.tenantId,
        sub: agency.members.viewer.id,
        role: "owner",
        jti: crypto.randomUUID(),
      }),
    );
    await expectUnauthorized(`${header}.${payload}.${signature}`);
  });

  it("refuses a well-signed token whose jti was never issued", async () => {
    await expectUnauthorized(await forge());
  });

  it("accepts a token signed with the previous key while it rotates out (matching jti)", async () => {
    const issued = await issueFor(agency.members.engineer.id);
    const previous = JSON.parse(inject("jwtPreviousPrivateKey")) as JWK;
    const token = await forge({
      jwk: previous,
      claims: { jti: issued.id, sub: agency.members.engineer.id, role: "engineer" },
    });
    const res = await api("/v1/tenant", { token });
    expect(res.status, res.text).toBe(200);
  });

  it("a token verified once is still refused after it expires (the isolate's verified-token cache)", async () => {
    const { verifyToken } = await import("../../src/lib/auth/tokens");
    const { runtimeConfig } = await import("../../src/env");
    const now = Date.now();
    const token = await forge({ claims: { exp: Math.floor(now / 1000) + 2 } });
    const claims = await verifyToken(runtimeConfig(env), token, now);
    expect(claims.tenantId).toBe(agency.tenantId);
    await expect(verifyToken(runtimeConfig(env), token, now + 1_000)).resolves.toEqual(claims);
    await expect(verifyToken(runtimeConfig(env), token, now + 5_000)).rejects.toMatchObject({
      detail: expect.stringMatching(/expired/),
    });
  });

  it("a token verified with the previous key is refused once that key is dropped", async () => {
    const { verifyToken } = await import("../../src/lib/auth/tokens");
    const { runtimeConfig } = await import("../../src/env");
    const previous = JSON.parse(inject("jwtPreviousPrivateKey")) as JWK;
    const token = await forge({ jwk: previous });
    const rotating = runtimeConfig(env);
    await expect(verifyToken(rotating, token)).resolves.toMatchObject({ tenantId: agency.tenantId });
    const rotated = { ...rotating, JWT_VERIFY_KEYS: undefined };
    await expect(verifyToken(rotated, token)).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("a token verified once is refused when the API's issuer or audience changes, keys unchanged", async () => {
    const { verifyToken } = await import("../../src/lib/auth/tokens");
    const { runtimeConfig } = await import("../../src/env");
    const token = await forge();
    const config = runtimeConfig(env);
    await expect(verifyToken(config, token)).resolves.toMatchObject({ tenantId: agency.tenantId });
    for (const changed of [
      { ...config, JWT_ISSUER: "https://another-issuer.example" },
      { ...config, JWT_AUDIENCE: "another-audience" },
    ]) {
      await expect(verifyToken(changed, token)).rejects.toMatchObject({ code: "unauthorized" });
    }
    await expect(verifyToken(config, token)).resolves.toMatchObject({ tenantId: agency.tenantId });
  });

  it("publishes the current and previous public keys, never a private part", async () => {
    const res = await api("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    const kids = res.body.keys.map((k: JWK) => k.kid);
    expect(kids).toEqual(["test-current", "test-previous"]);
    for (const key of res.body.keys) expect(key.d).toBeUndefined();
    // and the published key really verifies our tokens
    const published = await importJWK(res.body.keys[0], "ES256");
    expect(await exportJWK(published)).toMatchObject({ kty: "EC", crv: "P-256" });
  });
});

describe("revocation and roles", () => {
  it("DELETE /v1/tokens/{id} revokes at once", async () => {
    const issued = await issueFor(agency.members.engineer.id);
    expect((await api("/v1/tenant", { token: issued.token })).status).toBe(200);
    const revoked = await api(`/v1/tokens/${issued.id}`, { method: "DELETE", token: agency.tokens.owner });
    expect(revoked.status).toBe(204);
    const read = await api(`/v1/tokens/${issued.id}`, { token: agency.tokens.owner });
    expect(read.body.revoked_at).toBeTruthy();
    await expectUnauthorized(issued.token);
  });

  it("a member may revoke their own token but not another member's (404)", async () => {
    const mine = await issueFor(agency.members.engineer.id);
    const theirs = await issueFor(agency.members.viewer.id);
    const other = await api(`/v1/tokens/${theirs.id}`, { method: "DELETE", token: mine.token });
    expect(other.status).toBe(404);
    expect((await api("/v1/tenant", { token: theirs.token })).status).toBe(200);
    const own = await api(`/v1/tokens/${mine.id}`, { method: "DELETE", token: mine.token });
    expect(own.status).toBe(204);
  });

  it("a demotion takes effect on existing tokens at once", async () => {
    const member = await api("/v1/members", {
      token: agency.tokens.owner,
      body: { name: "Temp Owner", email: `temp-${crypto.randomUUID()}@example.com`, role: "owner" },
    });
    const issued = await issueFor(member.body.id);
    expect(
      (
        await api("/v1/members", {
          token: issued.token,
          method: "POST",
          body: { name: "X", email: "x@example.com", role: "viewer" },
        })
      ).status,
    ).toBe(201);
    await api(`/v1/members/${member.body.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { role: "viewer" },
    });
    const res = await api("/v1/members", {
      token: issued.token,
      body: { name: "Y", email: "y@example.com", role: "viewer" },
    });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/owner role; your role is viewer/);
  });

  it("removing a member revokes every token they hold", async () => {
    const member = await api("/v1/members", {
      token: agency.tokens.owner,
      body: { name: "Leaver", email: `leaver-${crypto.randomUUID()}@example.com`, role: "engineer" },
    });
    const issued = await issueFor(member.body.id);
    const removed = await api(`/v1/members/${member.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(removed.status).toBe(204);
    const read = await api(`/v1/members/${member.body.id}`, { token: agency.tokens.owner });
    expect(read.body.active).toBe(false);
    await expectUnauthorized(issued.token);
    const reissue = await api("/v1/tokens", {
      token: agency.tokens.owner,
      body: { member_id: member.body.id },
    });
    expect(reissue.status).toBe(409);
  });
});
