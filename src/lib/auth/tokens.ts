import { errors, jwtVerify, SignJWT } from "jose";
import type { RuntimeConfig } from "../../env";
import { isUuid } from "../ids";
import { ApiError } from "../problem";
import { signingKeys, TOKEN_ALGORITHM } from "./keys";

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
 * Verifies signature, algorithm, issuer, audience and lifetime. Revocation and
 * the member's current role are checked against Postgres afterwards, inside
 * the request's tenant transaction (src/app/actor.ts).
 */
export async function verifyToken(config: RuntimeConfig, token: string): Promise<TokenClaims> {
  const keys = await signingKeys(config);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys.verifier, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      requiredClaims: ["sub", "jti", "exp", "tid"],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized("The token has expired; request a new one.");
    throw unauthorized("The bearer token is not valid for this API.");
  }
  const { sub, jti, tid, role } = payload;
  if (
    typeof sub !== "string" ||
    typeof jti !== "string" ||
    typeof tid !== "string" ||
    !isUuid(sub) ||
    !isUuid(jti) ||
    !isUuid(tid) ||
    !ROLES.includes(role as Role)
  ) {
    throw unauthorized("The bearer token is not valid for this API.");
  }
  return { tokenId: jti, tenantId: tid, memberId: sub, role: role as Role };
}

export function bearerToken(header: string | undefined): string {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) {
    throw unauthorized("Send an API token as `Authorization: Bearer <token>`.");
  }
  return match[1];
}

export { unauthorized };
