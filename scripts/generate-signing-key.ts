// npm run keygen — prints a new ES256 private JWK for JWT_SIGNING_KEY and its
// public half for JWT_VERIFY_KEYS (to keep accepting old tokens while rotating).
import { exportJWK, generateKeyPair } from "jose";

const kid = `key-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "ES256" };
const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256" };
console.log("JWT_SIGNING_KEY (secret; pipe into `wrangler secret put JWT_SIGNING_KEY`):");
console.log(JSON.stringify(privateJwk));
console.log("\nPublic key (add to JWT_VERIFY_KEYS when this key is later replaced):");
console.log(JSON.stringify(publicJwk));
