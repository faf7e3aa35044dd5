import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
export const dataDir = fileURLToPath(new URL("../../.data", import.meta.url));
export const embeddedDataDir = `${dataDir}/pglite`;
export const devSecretsFile = `${dataDir}/dev-secrets.json`;
export const devTokensFile = `${dataDir}/dev-tokens.json`;
