import { errors, jwtVerify, SignJWT } from "jose";
import type { RuntimeConfig } from "../../env";
import { isUuid } from "../ids";
import { ApiError } from "../problem";
import { type SigningKeys, signingKeys, TOKEN_ALGORITHM } from "./keys";

export const ROLES = ["owner", "release_manager", "engineer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export interface TokenClaims {
  tokenId: string;
  tenantId: string;
  memberId: string;
  role: Role;
}

export async function issueToken(
  config: RuntimeConfig,
  claims: TokenClaims,
  expiresAt: Date,
): Promise<string> {
  const keys = await signingKeys(config);
  return new SignJWT({ tid: claims.tenantId, role: claims.role })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: keys.kid, typ: "JWT" })
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setSubject(claims.memberId)
    .setJti(claims.tokenId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keys.privateKey);
}

const unauthorized = (detail: string) =>
  new ApiError(
    "unauthorized",
    detail,
    {},
    { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' },
  );

/**
 * Tokens this isolate has verified, per key set, each until `VERIFIED_TTL_MS` has passed or the
 * token expires, whichever is first. An API client sends the same token with every request, and
 * the ES256 signature check was a fifteenth of an authenticated read's Worker CPU. What is cached
 * is only what the signature check decides, which cannot change for one token string and one key
 * set under one issuer and audience; revocation and the member's current role are still asked of
 * Postgres on every request. A new key set (rotation) starts with an empty cache, and a verdict is
 * kept under the issuer and audience it was given for. Memory only, bounded.
 */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED_TOKENS = 1_000;

interface VerifiedToken {
  claims: TokenClaims;
  until: number;
}

const verifiedTokens = new WeakMap<SigningKeys, Map<string, VerifiedToken>>();

function rememberVerified(keys: SigningKeys, token: string, verified: VerifiedToken): void {
  let tokens = verifiedTokens.get(keys);
  if (!tokens) {
    tokens = new Map();
    verifiedTokens.set(keys, tokens);
  }
  if (tokens.size >= MAX_VERIFIED_TOKENS) {
    const oldest = tokens.keys().next().value;
    if (oldest !== undefined) tokens.delete(oldest);
  }
  tokens.set(token, verified);
}

function recallVerified(keys: SigningKeys, token: string, now: number): TokenClaims | undefined {
  const tokens = verifiedTokens.get(keys);
  const verified = tokens?.get(token);
  if (!verified) return undefined;
  if (verified.until <= now) {
    tokens?.delete(token);
    return undefined;
  }
  return verified.claims;
}

/**
 * Verifies signature, algorithm, issuer, audience and lifetime. Revocation and
 * the member's current role are checked against Postgres afterwards, inside
 * the request's tenant transaction (src/app/actor.ts).
 */
export async function verifyToken(
  config: RuntimeConfig,
  token: string,
  now = Date.now(),
): Promise<TokenClaims> {
  const keys = await signingKeys(config);
  // A verdict holds only for the issuer and audience it was checked against.
  const remembered = `${config.JWT_ISSUER}\n${config.JWT_AUDIENCE}\n${token}`;
  const recalled = recallVerified(keys, remembered, now);
  if (recalled) return recalled;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys.verifier, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      requiredClaims: ["sub", "jti", "exp", "tid"],
      currentDate: new Date(now),
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized("The token has expired; request a new one.");
    throw unauthorized("The bearer token is not valid for this API.");
  }
  const { sub, jti, tid, role, exp } = payload;
  if (
    typeof sub !== "string" ||
    typeof jti !== "string" ||
    typeof tid !== "string" ||
    typeof exp !== "number" ||
    !isUuid(sub) ||
    !isUuid(jti) ||
    !isUuid(tid) ||
    !ROLES.includes(role as Role)
  ) {
    throw unauthorized("The bearer token is not valid for this API.");
  }
  const claims: TokenClaims = { tokenId: jti, tenantId: tid, memberId: sub, role: role as Role };
  rememberVerified(keys, remembered, { claims, until: Math.min(now + VERIFIED_TTL_MS, exp * 1000) });
  return claims;
}

export function bearerToken(header: string | undefined): string {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) {
    throw unauthorized("Send an API token as `Authorization: Bearer <token>`.");
  }
  return match[1];
}

export { unauthorized };
