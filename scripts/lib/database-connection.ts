// Connects Node scripts (migrations, seeding, benchmarks) to Postgres through
// the same Neon serverless driver the Worker uses, so there is one driver
// everywhere. Neon hosts are reached directly; any other Postgres through the
// project's WebSocket bridge.

import { createRequire } from "node:module";
import { neonConfig, Pool } from "@neondatabase/serverless";
import type { WebSocket as WebSocketType } from "ws";
import { type Bridge, startBridge } from "./ws-bridge.ts";

// Node's resolver, not the test bundler's (which would pick the browser build).
const { WebSocket } = createRequire(import.meta.url)("ws") as { WebSocket: typeof WebSocketType };

export interface ScriptDatabase {
  pool: Pool;
  /** Set when a bridge was needed; the Worker must be given the same proxy address. */
  bridge: Bridge | undefined;
  close(): Promise<void>;
}

export function isNeonUrl(databaseUrl: string): boolean {
  return new URL(databaseUrl).hostname.endsWith(".neon.tech");
}

export function databaseTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || "5432"}`;
}

/** Points the driver at a bridge (`host:port`), or back at Neon when `proxy` is undefined. */
export function configureDriver(proxy: string | undefined): void {
  neonConfig.webSocketConstructor = WebSocket;
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
  }
}

export async function connectScriptDatabase(databaseUrl: string, bridge?: Bridge): Promise<ScriptDatabase> {
  let ownBridge: Bridge | undefined;
  if (!isNeonUrl(databaseUrl) && !bridge) {
    ownBridge = await startBridge({ allowedTargets: [databaseTarget(databaseUrl)] });
  }
  const activeBridge = bridge ?? ownBridge;
  configureDriver(activeBridge?.proxyAddress);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  pool.on("error", (error: Error) => console.error("database pool error:", error.message));
  return {
    pool,
    bridge: activeBridge,
    async close() {
      await pool.end();
      await ownBridge?.close();
    },
  };
}
