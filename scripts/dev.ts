// npm start / npm run dev — the whole API on this machine with nothing else
// installed: the embedded PGlite database in .data/pglite (or DATABASE_URL's
// Postgres), the WebSocket bridge the Neon driver needs for it, migrations,
// `wrangler dev`, the cron every minute as in production, a local inbox that
// catches the email the API sends, and a demo agency with a token per role.
//
// Secrets are generated once into .data/dev-secrets.json and handed to
// wrangler through .data/dev.vars (mode 0600), never on a command line. The
// optional settings (README "Configuration") are taken from the environment,
// else from a .dev.vars file in the project root, and handed over the same way.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { parseEnv } from "node:util";
import { exportJWK, generateKeyPair } from "jose";
import { redactCapabilityTokens } from "../src/lib/redact.ts";
import { connectScriptDatabase, databaseTarget, isNeonUrl } from "./lib/database-connection.ts";
import { type EmbeddedPostgres, freePort, startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { type FakeResend, startFakeResend } from "./lib/fake-resend.ts";
import { applyMigrations } from "./lib/migrate.ts";
import { dataDir, devSecretsFile, devTokensFile, embeddedDataDir, projectRoot } from "./lib/paths.ts";
import { callApi, seedAgency } from "./lib/seed-agency.ts";
import { type Bridge, startBridge } from "./lib/ws-bridge.ts";

const HOST = "127.0.0.1";
const devVarsFile = join(dataDir, "dev.vars");
/** wrangler.toml with the optional settings admitted from the env file (see writeDevConfig). */
const devConfigFile = join(dataDir, "wrangler.dev.toml");
/** Settings a developer may give in the environment or ./.dev.vars (README "Configuration"). */
const OPTIONAL_SETTINGS = [
  "PUBLIC_BASE_URL",
  "RESEND_API_KEY",
  "RESEND_BASE_URL",
  "RESEND_WEBHOOK_SECRET",
  "EMAIL_FROM",
  "TOKEN_TTL_DAYS",
  "JWT_VERIFY_KEYS",
  "LINK_SIGNING_KEY",
  "LINK_SIGNING_KEY_PREVIOUS",
  "WEBHOOKS_ALLOW_LOOPBACK",
  "DB_TRANSPORT",
] as const;
type OptionalSetting = (typeof OPTIONAL_SETTINGS)[number];
/** The only cron schedule this script can run, as wrangler.toml declares it: every minute. */
const EVERY_MINUTE = "* * * * *";
const wranglerBin = join(projectRoot, "node_modules", ".bin", "wrangler");
const SECRET_NAMES = [
  "DATABASE_URL",
  "DB_WS_PROXY",
  "DB_HTTP_ENDPOINT",
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
let inbox: FakeResend | undefined;
let cronTimer: NodeJS.Timeout | undefined;
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
    console.log(
      `WebSocket bridge: ${bridge.proxyAddress} (HTTP SQL for DB_TRANSPORT=http: ${bridge.sqlEndpoint})`,
    );
  }

  // 3. Migrations.
  const database = await connectScriptDatabase(databaseUrl, bridge);
  try {
    await applyMigrations(database.pool);
  } finally {
    await database.pool.end();
  }
  console.log("migrations applied");

  // 4. Settings: what the developer gave, plus local defaults (links to this server, and a local
  // inbox instead of Resend unless a Resend key was given).
  const settings = optionalSettings();
  settings.PUBLIC_BASE_URL ??= `http://localhost:${apiPort}`;
  // Webhook endpoints on this machine (a receiver on 127.0.0.1) work in development.
  settings.WEBHOOKS_ALLOW_LOOPBACK ??= "true";
  if (!settings.RESEND_API_KEY) {
    inbox = await startFakeResend(`re_local_${crypto.randomUUID()}`, {
      host: HOST,
      port: await freePortExcept(apiPort),
    });
    settings.RESEND_API_KEY = inbox.apiKey;
    settings.RESEND_BASE_URL = inbox.url;
    console.log(`email: caught by the local inbox at ${inbox.url} (set RESEND_API_KEY to send for real)`);
  } else {
    console.log(`email: sent through ${settings.RESEND_BASE_URL ?? "Resend"}`);
  }

  // 5. Secrets, once, then the file only wrangler reads.
  const secrets = await loadOrCreateSecrets();
  writePrivateFile(
    devVarsFile,
    [
      "# Written by npm start (scripts/dev.ts) on every start; local secrets for `wrangler dev` only.",
      `DATABASE_URL=${dotenvValue(databaseUrl)}`,
      `DB_WS_PROXY=${dotenvValue(bridge?.proxyAddress ?? "")}`,
      `DB_HTTP_ENDPOINT=${dotenvValue(bridge?.sqlEndpoint ?? "")}`,
      `JWT_SIGNING_KEY=${dotenvValue(JSON.stringify(secrets.jwt_signing_key))}`,
      `ADMIN_TOKEN=${dotenvValue(secrets.admin_token)}`,
      `DATA_ENCRYPTION_KEY=${dotenvValue(secrets.data_encryption_key)}`,
      ...Object.entries(settings).map(([name, value]) => `${name}=${dotenvValue(value)}`),
      "",
    ].join("\n"),
  );
  writeDevConfig(Object.keys(settings));

  // 6. wrangler dev, in its own process group so that it and its workerd
  // children can be stopped together; then the cron, as production runs it.
  startWrangler();
  await waitForHealth();
  startCron();

  // 7. The demo agency: kept while its owner token still works.
  const tokens = await keepOrSeedTokens(secrets.admin_token);
  printWelcome(tokens);
}

/** The optional settings from the environment, else from ./.dev.vars (dotenv format). */
function optionalSettings(): Partial<Record<OptionalSetting, string>> {
  const file = join(projectRoot, ".dev.vars");
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
  const settings: Partial<Record<OptionalSetting, string>> = {};
  for (const name of OPTIONAL_SETTINGS) {
    const value = process.env[name] || fromFile[name];
    if (value) settings[name] = value;
  }
  return settings;
}

/**
 * With `[secrets] required` in wrangler.toml, wrangler takes from the env file only the
 * required secrets and names declared in [vars]. The optional settings are neither (declaring them
 * would make production deploys demand them or clash with `wrangler secret put`), so local runs use
 * a copy of wrangler.toml that also lists the given settings as required: each then reaches the
 * Worker from .data/dev.vars like the secrets do, never on a command line.
 */
function writeDevConfig(settingNames: string[]): void {
  const source = readFileSync(join(projectRoot, "wrangler.toml"), "utf8");
  const required = /^required = \[(.*)\]$/m;
  const main = /^main = "(.+)"$/m;
  const crons = /^crons = (\[.*\])$/m;
  const declaredCrons = JSON.parse(crons.exec(source)?.[1] ?? "null") as string[] | null;
  if (!required.test(source) || !main.test(source) || !declaredCrons) {
    throw new Error(
      "wrangler.toml lacks the `main`, `[secrets] required` or `crons` line this script extends",
    );
  }
  if (declaredCrons.some((cron) => cron !== EVERY_MINUTE)) {
    throw new Error(`npm start fires only "${EVERY_MINUTE}"; teach startCron the new schedule`);
  }
  const config = source
    .replace(
      main,
      (_line, path: string) => `main = ${JSON.stringify(relative(dataDir, join(projectRoot, path)))}`,
    )
    .replace(
      required,
      (_line, names: string) =>
        `required = [${[names, ...settingNames.map((name) => JSON.stringify(name))].filter(Boolean).join(", ")}]`,
    )
    // [alias] targets and the [assets] directory are relative to the config file, which now lives in .data/.
    .replace(
      /^(directory = )"(\.\/[^"]+)"$/m,
      (_line, key: string, path: string) =>
        `${key}${JSON.stringify(relative(dataDir, join(projectRoot, path)))}`,
    )
    .replace(
      /^("[^"]+" = )"(\.\/[^"]+)"$/gm,
      (_line, key: string, path: string) =>
        `${key}${JSON.stringify(relative(dataDir, join(projectRoot, path)))}`,
    )
    // This script is the cron locally (startCron); wrangler dev would only warn that it is not.
    .replace(crons, "crons = []");
  writePrivateFile(
    devConfigFile,
    `# Written by npm start (scripts/dev.ts) from wrangler.toml on every start; edit wrangler.toml instead.\n${config}`,
  );
}

/**
 * Fires the Worker's scheduled handler at the start of every minute, as Cloudflare does with the
 * `* * * * *` trigger: windows open and close, scheduled releases start and the outbox drains.
 */
function startCron(): void {
  const fire = async () => {
    const scheduledTime = Math.floor(Date.now() / 60_000) * 60_000;
    const url = `${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(EVERY_MINUTE)}&time=${scheduledTime}&format=json`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(55_000) });
      if (!response.ok)
        console.error(`cron: the scheduled handler failed (${response.status}); see the log above`);
    } catch (error) {
      if (!shuttingDown) console.error(`cron: could not reach wrangler (${(error as Error).message})`);
    }
  };
  const schedule = () => {
    cronTimer = setTimeout(
      () => {
        void fire();
        schedule();
      },
      60_000 - (Date.now() % 60_000),
    );
  };
  void fire();
  schedule();
}

function startWrangler(): void {
  const args = [
    "dev",
    "--port",
    String(apiPort),
    "--ip",
    HOST,
    "--config",
    relative(dataDir, devConfigFile),
    "--env-file",
    relative(dataDir, devVarsFile),
    "--show-interactive-dev-session=false",
  ];
  // With `[secrets] required` in wrangler.toml, wrangler only takes required
  // secrets and [vars] from the env file; DB_WS_PROXY and DB_HTTP_ENDPOINT are optional, so they
  // are also given as plain variables. They are addresses, not secrets.
  if (bridge) {
    args.push("--var", `DB_WS_PROXY:${bridge.proxyAddress}`);
    args.push("--var", `DB_HTTP_ENDPOINT:${bridge.sqlEndpoint}`);
  }

  // wrangler also reads process.env for the required secrets and lets it win
  // over the env file: keep the shell's values out of the child.
  // node_modules/.bin first, as under npm, so wrangler runs on the pinned Node 22.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(projectRoot, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    // Offline, wrangler cannot fetch the `Request.cf` object and prints two stack traces about it.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  };
  for (const name of [...SECRET_NAMES, ...OPTIONAL_SETTINGS]) delete env[name];

  // Run from .data, where the generated config lives: wrangler compares the types it would
  // generate from that config with ./worker-configuration.d.ts, and ours describes wrangler.toml.
  const child = spawn(wranglerBin, args, {
    cwd: dataDir,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // wrangler logs every request line, URL and all: unsubscribe links and feed tokens are
  // credentials, so its output passes through the same redaction as the Worker's problems.
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (from)
      createInterface({ input: from }).on("line", (line) => to.write(`${redactCapabilityTokens(line)}\n`));
  }
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
    inbox
      ? `  email the API sends is caught locally: ${inbox.url}`
      : "  email is sent through Resend (RESEND_API_KEY is set)",
    "  the cron runs every minute, as in production",
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
    if (cronTimer) clearTimeout(cronTimer);
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
      await inbox?.close();
    } catch {
      // nothing to keep
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
