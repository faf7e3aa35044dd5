// What `npm run bench` runs against: a throwaway database (in-memory PGlite,
// or DATABASE_URL's server), the WebSocket bridge whose frame counter measures
// round trips, throwaway secrets, and two local Workers side by side: the
// real API and the bare floor (bench/bare-worker.ts).
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { unstable_startWorker } from "wrangler";
import { type CpuMeter, cpuMeter } from "./bench-cpu.ts";
import { connectScriptDatabase, databaseTarget } from "./database-connection.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { applyMigrations } from "./migrate.ts";
import { projectRoot } from "./paths.ts";
import { relaxedStartWorkerRateLimits } from "./rate-limits.ts";
import { type Bridge, startBridge } from "./ws-bridge.ts";

const HOST = "127.0.0.1";

type LocalWorker = Awaited<ReturnType<typeof unstable_startWorker>>;

export interface BenchEnvironment {
  database: string;
  /** The database the Workers use, for measurements that seed with SQL. */
  databaseUrl: string;
  bridge: Bridge;
  adminToken: string;
  /** Base URL of the real Worker (wrangler.toml, workers/index.ts). */
  apiUrl: string;
  /** Base URL of the bare Worker (bench/wrangler.toml); empty when started with `bareWorker: false`. */
  bareUrl: string;
  /** CPU time per process group: the local Workers' workerd, this process, a PostgreSQL server's. */
  cpu: CpuMeter;
  /** The API Worker's inspector port, when started with `profiling` (BENCH_PROFILE). */
  inspectorPort?: number;
  close(): Promise<void>;
}

export interface BenchEnvironmentOptions {
  /** Start the bare Worker beside the real one (default true; `npm run bench` compares them). */
  bareWorker?: boolean;
  /** Open the API Worker's inspector (and build it unminified) so its CPU can be profiled. */
  profiling?: boolean;
}

export async function startBenchEnvironment(
  options: BenchEnvironmentOptions = {},
): Promise<BenchEnvironment> {
  // Everything stays on loopback: no Request.cf download from Cloudflare, no wrangler telemetry.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  process.env.WRANGLER_SEND_METRICS ??= "false";
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("bench clean-up failed:", error);
      }
    }
  };
  try {
    let embedded: { databaseUrl: string } | undefined;
    if (!process.env.DATABASE_URL) {
      const started = await startEmbeddedPostgres();
      embedded = started;
      cleanups.push(() => started.close());
    }
    const databaseUrl = process.env.DATABASE_URL ?? embedded?.databaseUrl ?? "";
    const bridge = await startBridge({ host: HOST, allowedTargets: [databaseTarget(databaseUrl)] });
    cleanups.push(() => bridge.close());
    const migrator = await connectScriptDatabase(databaseUrl, bridge);
    try {
      await applyMigrations(migrator.pool);
    } finally {
      await migrator.pool.end();
    }

    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const signingKey = JSON.stringify({ ...(await exportJWK(privateKey)), kid: "bench", alg: "ES256" });
    const adminToken = `bench-admin-${crypto.randomUUID()}-${crypto.randomUUID()}`;
    const secret = (value: string) => ({ type: "secret_text" as const, value });
    const shared = { DATABASE_URL: secret(databaseUrl), DB_WS_PROXY: secret(bridge.proxyAddress) };

    const apiConfig = join(projectRoot, "wrangler.toml");
    const inspectorPort = options.profiling ? await freePort() : undefined;
    const api = await startLocalWorker(
      apiConfig,
      {
        // The limiter stays in the path (its cost is measured) but a bench's thousands of requests
        // from one address and token do not trip it.
        ...relaxedStartWorkerRateLimits(apiConfig),
        ...shared,
        JWT_SIGNING_KEY: secret(signingKey),
        ADMIN_TOKEN: secret(adminToken),
        DATA_ENCRYPTION_KEY: secret(
          Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
        ),
      },
      inspectorPort,
    );
    cleanups.push(() => api.dispose());
    let bareUrl = "";
    if (options.bareWorker ?? true) {
      const bare = await startLocalWorker(join(projectRoot, "bench", "wrangler.toml"), shared);
      cleanups.push(() => bare.dispose());
      bareUrl = origin(await bare.url);
    }

    return {
      database: embedded ? "embedded PGlite (in memory), same Node process" : "DATABASE_URL",
      databaseUrl,
      bridge,
      adminToken,
      apiUrl: origin(await api.url),
      bareUrl,
      cpu: cpuMeter({ postgresServer: !embedded && isLocalServer(databaseUrl) }),
      ...(inspectorPort ? { inspectorPort } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startLocalWorker(
  config: string,
  bindings: Record<
    string,
    { type: "secret_text"; value: string } | ReturnType<typeof relaxedStartWorkerRateLimits>[string]
  >,
  inspectorPort?: number,
): Promise<LocalWorker> {
  const worker = await unstable_startWorker({
    config,
    bindings,
    // Unminified when profiled, so the profile names the source's functions.
    ...(inspectorPort ? { build: { minify: false } } : {}),
    dev: {
      server: { hostname: HOST, port: 0 },
      inspector: inspectorPort ? { port: inspectorPort } : false,
      watch: false,
      // /cdn-cgi/local/scheduled fires the cron handler (the cron-tick measurement).
      testScheduled: true,
      logLevel: "error",
    },
  });
  await worker.ready;
  return worker;
}

/** A port nothing listens on now (the inspector's, which wrangler asks for by number). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server on this machine, whose processes /proc shows. */
function isLocalServer(databaseUrl: string): boolean {
  const host = new URL(databaseUrl).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "";
}

function origin(url: URL): string {
  return url.origin.replace("localhost", HOST);
}
