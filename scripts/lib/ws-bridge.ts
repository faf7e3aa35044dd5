// A WebSocket → TCP bridge so the Neon serverless driver (which only speaks
// WebSocket) can reach an ordinary Postgres server: PGlite in development and
// tests, the machine's PostgreSQL in CI. Production talks to Neon directly.
//
// Protocol, as the driver expects from `neonConfig.wsProxy`: the client opens
// ws://host:port/v1?address=<db-host>:<db-port>; every binary frame is written
// to the TCP socket as-is, and every TCP chunk goes back as one binary frame.

import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import type { WebSocket, WebSocketServer as WebSocketServerType } from "ws";
import { FrontendMessageTracker } from "./frontend-messages.ts";

// Loaded through Node's own resolver: the test runner's bundler would
// otherwise pick the package's browser build, which has no server.
const { WebSocketServer } = createRequire(import.meta.url)("ws") as {
  WebSocketServer: typeof WebSocketServerType;
};

export interface BridgeOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  host?: string;
  /** The only `host:port` targets the bridge will dial; it must never be an open relay. */
  allowedTargets: string[];
}

export interface BridgeStats {
  /** Binary frames from the driver to Postgres: one per protocol write, so a proxy for round trips. */
  framesToDatabase: number;
  framesFromDatabase: number;
  connections: number;
}

export interface Bridge {
  port: number;
  /** The value for `DB_WS_PROXY`: where the Worker's driver should connect. */
  proxyAddress: string;
  stats: BridgeStats;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? "127.0.0.1";
  const allowed = new Set(options.allowedTargets);
  const stats: BridgeStats = { framesToDatabase: 0, framesFromDatabase: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server = new WebSocketServer({ host, port: options.port ?? 0, perMessageDeflate: false });

  server.on("connection", (ws: WebSocket, request) => {
    const url = new URL(request.url ?? "/", "ws://bridge");
    const target = url.searchParams.get("address") ?? "";
    if (!allowed.has(target)) {
      ws.close(1008, "target not allowed");
      return;
    }
    const [targetHost, targetPort] = splitHostPort(target);
    stats.connections++;
    const tcp = connect({ host: targetHost, port: targetPort });
    tcp.setNoDelay(true);
    sockets.add(tcp);
    const pending: Buffer[] = [];
    let tcpReady = false;

    tcp.on("connect", () => {
      tcpReady = true;
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    tcp.on("data", (chunk) => {
      stats.framesFromDatabase++;
      if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    });
    // Graceful close both ways: the database hanging up closes the WebSocket
    // normally, and the driver closing the WebSocket ends the TCP stream.
    tcp.on("end", () => ws.close(1000));
    tcp.on("close", () => {
      sockets.delete(tcp);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
    });
    // Connection errors (database restarting, refused) surface to the driver
    // as a closed socket; they are expected in fault tests, so stay quiet.
    tcp.on("error", () => ws.terminate());

    const frontend = new FrontendMessageTracker();
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      stats.framesToDatabase++;
      if (tcpReady) tcp.write(chunk);
      else pending.push(chunk);
      // After Terminate the session is over: close our side as PostgreSQL would.
      if (frontend.feed(chunk)) {
        if (tcpReady) tcp.end();
        else tcp.once("connect", () => tcp.end());
      }
    });
    ws.on("close", () => tcp.end());
    ws.on("error", () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    proxyAddress: `${host}:${port}`,
    stats,
    resetStats() {
      stats.framesToDatabase = 0;
      stats.framesFromDatabase = 0;
      stats.connections = 0;
    },
    async close() {
      for (const client of server.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHostPort(target: string): [string, number] {
  const index = target.lastIndexOf(":");
  return [target.slice(0, index), Number(target.slice(index + 1))];
}
