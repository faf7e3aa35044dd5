import { type CryptoKey, createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK } from "jose";
import type { RuntimeConfig } from "../../env";

export const TOKEN_ALGORITHM = "ES256";

export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  /** Public keys accepted on verify: the current one plus any still rotating out. */
  jwks: JSONWebKeySet;
  verifier: ReturnType<typeof createLocalJWKSet>;
}

const cache = new Map<string, Promise<SigningKeys>>();

/** Loads the keys once per isolate; the JWK strings come from Worker secrets. */
export function signingKeys(config: RuntimeConfig): Promise<SigningKeys> {
  const cacheKey = `${config.JWT_SIGNING_KEY}\n${config.JWT_VERIFY_KEYS ?? ""}`;
  let keys = cache.get(cacheKey);
  if (!keys) {
    keys = loadKeys(config);
    cache.set(cacheKey, keys);
    keys.catch(() => cache.delete(cacheKey));
  }
  return keys;
}

async function loadKeys(config: RuntimeConfig): Promise<SigningKeys> {
  const privateJwk = JSON.parse(config.JWT_SIGNING_KEY) as JWK;
  if (!privateJwk.kid || !privateJwk.d) throw new Error("JWT_SIGNING_KEY must be a private JWK with a kid");
  const privateKey = (await importJWK(privateJwk, TOKEN_ALGORITHM)) as CryptoKey;
  const current = publicPart(privateJwk);
  const previous = config.JWT_VERIFY_KEYS
    ? (JSON.parse(config.JWT_VERIFY_KEYS) as JWK[]).map(publicPart)
    : [];
  const jwks = { keys: [current, ...previous.filter((key) => key.kid !== current.kid)] };
  return { kid: privateJwk.kid, privateKey, jwks, verifier: createLocalJWKSet(jwks) };
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y, kid } = jwk;
  return { kty, crv, x, y, kid, alg: TOKEN_ALGORITHM, use: "sig" };
}
