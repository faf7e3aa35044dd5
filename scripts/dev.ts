// npm start / npm run dev — the whole API on this machine with nothing else
// installed: the embedded PGlite database in .data/pglite (or DATABASE_URL's
// Postgres), the WebSocket bridge the Neon driver needs for it, migrations,
// `wrangler dev`, and a demo agency with a token per role.
//
// Secrets are generated once into .data/dev-secrets.json and handed to
// wrangler through .data/dev.vars (mode 0600), never on a command line.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { connectScriptDatabase, databaseTarget, isNeonUrl } from "./lib/database-connection.ts";
import { type EmbeddedPostgres, freePort, startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { applyMigrations } from "./lib/migrate.ts";
import { dataDir, devSecretsFile, devTokensFile, embeddedDataDir, projectRoot } from "./lib/paths.ts";
import { callApi, seedAgency } from "./lib/seed-agency.ts";
import { type Bridge, startBridge } from "./lib/ws-bridge.ts";

const HOST = "127.0.0.1";
const devVarsFile = join(dataDir, "dev.vars");
const wranglerBin = join(projectRoot, "node_modules", ".bin", "wrangler");
const SECRET_NAMES = [
  "DATABASE_URL",
  "DB_WS_PROXY",
  "JWT_SIGNING_KEY",
  "JWT_VERIFY_KEYS",
  "ADMIN_TOKEN",
  "DATA_ENCRYPTION_KEY",
];

interface DevSecrets {
  jwt_signing_key: Record<string, unknown> & { kid: string };
  admin_token: string;
  data_encryption_key: string;
}

interface DevTokens {
  admin_token: string;
  tenant_id: string;
  tokens: { owner: string; release_manager: string; engineer: string; viewer: string };
}

const apiPort = parsePort(process.env.PORT ?? "8787");
const baseUrl = `http://${HOST}:${apiPort}`;

let embedded: EmbeddedPostgres | undefined;
let bridge: Bridge | undefined;
let wrangler: ChildProcess | undefined;
let wranglerExited: Promise<number> | undefined;
let shuttingDown: Promise<never> | undefined;

process.on("SIGINT", () => void shutdown(0, "SIGINT"));
process.on("SIGTERM", () => void shutdown(0, "SIGTERM"));
// `npm start` runs this script under `sh -c`; a SIGTERM sent to npm alone
// kills npm and the shell but not this process. Notice being orphaned and stop.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(0, "parent process gone");
}, 1_000).unref();

try {
  await main();
} catch (error) {
  if (!shuttingDown) {
    console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });

  // 1. The database: embedded PGlite on a free port, or DATABASE_URL.
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    console.log(`database: DATABASE_URL (${databaseTarget(databaseUrl)})`);
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: embeddedDataDir, port: await freePortExcept(apiPort) });
    databaseUrl = embedded.databaseUrl;
    console.log(`database: embedded PGlite in .data/pglite, listening on ${HOST}:${embedded.port}`);
  }

  // 2. The bridge, unless the driver can talk to Neon directly.
  if (!isNeonUrl(databaseUrl)) {
    bridge = await startBridge({
      host: HOST,
      port: await freePortExcept(apiPort),
      allowedTargets: [databaseTarget(databaseUrl)],
    });
    console.log(`WebSocket bridge: ${bridge.proxyAddress}`);
  }

  // 3. Migrations.
  const database = await connectScriptDatabase(databaseUrl, bridge);
  try {
    await applyMigrations(database.pool);
  } finally {
    await database.pool.end();
  }
  console.log("migrations applied");

  // 4. Secrets, once, then the file only wrangler reads.
  const secrets = await loadOrCreateSecrets();
  writePrivateFile(
    devVarsFile,
    [
      "# Written by npm start (scripts/dev.ts) on every start; local secrets for `wrangler dev` only.",
      `DATABASE_URL=${dotenvValue(databaseUrl)}`,
      `DB_WS_PROXY=${dotenvValue(bridge?.proxyAddress ?? "")}`,
      `JWT_SIGNING_KEY=${dotenvValue(JSON.stringify(secrets.jwt_signing_key))}`,
      `ADMIN_TOKEN=${dotenvValue(secrets.admin_token)}`,
      `DATA_ENCRYPTION_KEY=${dotenvValue(secrets.data_encryption_key)}`,
      "",
    ].join("\n"),
  );

  // 5. wrangler dev, in its own process group so that it and its workerd
  // children can be stopped together.
  startWrangler();
  await waitForHealth();

  // 6. The demo agency: kept while its owner token still works.
  const tokens = await keepOrSeedTokens(secrets.admin_token);
  printWelcome(tokens);
}

function startWrangler(): void {
  const args = [
    "dev",
    "--port",
    String(apiPort),
    "--ip",
    HOST,
    "--env-file",
    relative(projectRoot, devVarsFile),
    "--show-interactive-dev-session=false",
  ];
  // With `[secrets] required` in wrangler.toml, wrangler only takes required
  // secrets and [vars] from the env file; DB_WS_PROXY is optional, so it is
  // also given as a plain variable. It is an address, not a secret.
  if (bridge) args.push("--var", `DB_WS_PROXY:${bridge.proxyAddress}`);

  // wrangler also reads process.env for the required secrets and lets it win
  // over the env file: keep the shell's values out of the child.
  // node_modules/.bin first, as under npm, so wrangler runs on the pinned Node 22.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(projectRoot, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
  };
  for (const name of SECRET_NAMES) delete env[name];

  const child = spawn(wranglerBin, args, {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  wrangler = child;
  wranglerExited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once("error", (error) => {
      console.error(`could not start wrangler: ${error.message}`);
      resolve(1);
    });
  });
  void wranglerExited.then((code) => {
    if (!shuttingDown) {
      console.error(`\nwrangler exited (code ${code}); stopping.`);
      void shutdown(code === 0 ? 1 : code);
    }
  });
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (shuttingDown) await shuttingDown;
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${baseUrl}/health did not answer within 90 s`);
}

async function keepOrSeedTokens(adminToken: string): Promise<DevTokens> {
  const existing = readJson<DevTokens>(devTokensFile);
  if (existing?.tokens?.owner && existing.tenant_id) {
    const check = await callApi(baseUrl, "/v1/tenant", { token: existing.tokens.owner });
    if (check.status === 200 && check.body?.id === existing.tenant_id) {
      console.log("demo agency: kept (its owner token still works)");
      const kept = { ...existing, admin_token: adminToken };
      writePrivateFile(devTokensFile, `${JSON.stringify(kept, null, 2)}\n`);
      return kept;
    }
    console.log(`demo agency: the saved owner token no longer works (${check.status}); seeding a new one`);
  }
  const agency = await seedAgency(baseUrl, adminToken, {
    slug: "demo-agency",
    name: "Demo Agency",
    emailDomain: "demo-agency.example",
  });
  const tokens: DevTokens = {
    admin_token: adminToken,
    tenant_id: agency.tenantId,
    tokens: {
      owner: agency.tokens.owner,
      release_manager: agency.tokens.release_manager,
      engineer: agency.tokens.engineer,
      viewer: agency.tokens.viewer,
    },
  };
  writePrivateFile(devTokensFile, `${JSON.stringify(tokens, null, 2)}\n`);
  console.log(`demo agency: seeded "${agency.slug}" with a client and a project`);
  return tokens;
}

function printWelcome(tokens: DevTokens): void {
  const publicUrl = `http://localhost:${apiPort}`;
  const lines = [
    "",
    `Release Pilot API is running at ${publicUrl}`,
    "",
    `  admin token (POST /v1/tenants): ${tokens.admin_token}`,
    `  demo agency ${tokens.tenant_id}, one token per member:`,
    ...Object.entries(tokens.tokens).map(([role, token]) => `    ${role.padEnd(16)} ${token}`),
    "",
    "  try:",
    `    curl -H "Authorization: Bearer $(node -p 'require("./.data/dev-tokens.json").tokens.owner')" ${publicUrl}/v1/projects`,
    "",
    `  tokens are saved in ${relative(projectRoot, devTokensFile)}; docs: ${publicUrl}/docs`,
    "  Ctrl-C stops everything.",
    "",
  ];
  console.log(lines.join("\n"));
}

async function loadOrCreateSecrets(): Promise<DevSecrets> {
  const existing = readJson<DevSecrets>(devSecretsFile);
  if (
    existing &&
    typeof existing.admin_token === "string" &&
    existing.admin_token.length >= 32 &&
    typeof existing.jwt_signing_key?.kid === "string" &&
    typeof existing.jwt_signing_key.d === "string"
  ) {
    if (typeof existing.data_encryption_key === "string") return existing;
    // Secrets written before the encryption key existed keep their tokens valid.
    const upgraded = { ...existing, data_encryption_key: randomKey() };
    writePrivateFile(devSecretsFile, `${JSON.stringify(upgraded, null, 2)}\n`);
    return upgraded;
  }
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `dev-${crypto.randomUUID().slice(0, 8)}`;
  const secrets: DevSecrets = {
    jwt_signing_key: { ...(await exportJWK(privateKey)), kid, alg: "ES256" },
    admin_token: `dev-admin-${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`,
    data_encryption_key: randomKey(),
  };
  writePrivateFile(devSecretsFile, `${JSON.stringify(secrets, null, 2)}\n`);
  console.log(`dev secrets: generated ${relative(projectRoot, devSecretsFile)} (signing key ${kid})`);
  return secrets;
}

/** Stops wrangler's process group, then the bridge and PGlite; exits with `code`. */
function shutdown(code: number, signal?: string): Promise<never> {
  if (shuttingDown) return shuttingDown;
  shuttingDown = (async () => {
    if (signal) console.log(`\n${signal}: stopping wrangler, the bridge and the database…`);
    const child = wrangler;
    if (child?.pid !== undefined) {
      killGroup(child.pid, "SIGTERM");
      const exited = await Promise.race([
        wranglerExited?.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      if (!exited) console.error("wrangler did not stop within 5 s; killing it");
      // workerd may outlive its parent: make sure the whole group is gone.
      killGroup(child.pid, "SIGKILL");
    }
    try {
      await bridge?.close();
    } catch (error) {
      console.error("closing the bridge failed:", error);
    }
    try {
      await embedded?.close();
    } catch (error) {
      console.error("closing the embedded database failed:", error);
      code = code || 1;
    }
    process.exit(code);
  })();
  return shuttingDown;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function freePortExcept(reserved: number): Promise<number> {
  for (;;) {
    const port = await freePort(HOST);
    if (port !== reserved) return port;
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || port === 5432) {
    console.error(`PORT must be a TCP port other than 5432 (got ${JSON.stringify(value)})`);
    process.exit(1);
  }
  return port;
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function writePrivateFile(path: string, contents: string): void {
  writeFileSync(path, contents, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Single-quoted for dotenv (no escapes inside), with `$` escaped because
 * wrangler runs dotenv-expand on every value, quoted or not.
 */
function dotenvValue(value: string): string {
  if (value.includes("'") || value.includes("\n")) {
    throw new Error("a dev setting contains a quote or newline; it cannot be written to .data/dev.vars");
  }
  return `'${value.replaceAll("$", "\\$")}'`;
}

/** 32 random bytes, base64: the AES-256 key for secrets stored at rest. */
function randomKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
}
