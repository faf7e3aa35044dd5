// A WebSocket → TCP bridge so the Neon serverless driver (which only speaks
// WebSocket) can reach an ordinary Postgres server: PGlite in development and
// tests, the machine's PostgreSQL in CI. Production talks to Neon directly.
//
// Protocol, as the driver expects from `neonConfig.wsProxy`: the client opens
// ws://host:port/v1?address=<db-host>:<db-port>; every binary frame is written
// to the TCP socket as-is, and every TCP chunk goes back as one binary frame.
//
// Fault injection (tests only, `faultControl: true`): the same port answers
// plain HTTP requests under /__faults, so a test can cut a connection in the
// middle of a transaction, the way a network drop or a database restart would.
// Files run concurrently against one bridge, so a cut is aimed by a marker the
// test puts into its own request (a unique name), never by timing:
//
//   POST   /__faults/drops {marker, when}  arm a one-shot cut of the first connection that
//                                          sends a frame containing `marker` (8–200 bytes of
//                                          UTF-8) to the database; 201 with the rule's state
//          when = "before_forwarding"      the frame never reaches the database
//          when = "after_answer" (default) the frame is forwarded and the database's whole answer
//                                          (up to ReadyForQuery) is held back, then the cut: the
//                                          statement ran inside the open transaction, which
//                                          never commits
//          when = "stall"                  the frame and every later one of that connection are
//                                          swallowed, and the connection stays open: a database
//                                          that stopped answering, until the driver gives up
//   GET    /__faults/drops/{id}            the rule, with `triggered` once it has cut (and
//                                          `answered` when the database had answered first;
//                                          `closed` once the driver closed a stalled connection)
//   DELETE /__faults/drops/{id}            disarm (a test cleaning up after a failure)
//
// There is deliberately no "cut everything": it would fail whatever else is running.
//
// HTTP SQL: `POST /sql` on the same port answers as Neon's HTTP SQL endpoint does, for the Worker's
// DB_TRANSPORT=http (scripts/lib/http-sql.ts). It runs the statements on a connection it opens
// through this bridge's own WebSocket endpoint, so the allow-list below governs it too.
//
// A cut destroys both sides: the TCP socket with a reset (the server sees the
// client vanish and rolls back) and the WebSocket without a close frame (the
// driver sees the connection lost).

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import type { WebSocket, WebSocketServer as WebSocketServerType } from "ws";
import { answerSqlRequest, MAX_SQL_BODY_BYTES } from "./http-sql.ts";
import { PostgresMessageStream, READY_FOR_QUERY, TERMINATE } from "./postgres-messages.ts";

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
  /**
   * Tests only: answer the fault-injection requests described above on the
   * bridge's port. `npm start`, the bench and the scripts never set it.
   */
  faultControl?: boolean;
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
  /** The value for `DB_HTTP_ENDPOINT`: where the Worker's driver posts SQL with DB_TRANSPORT=http. */
  sqlEndpoint: string;
  /** `http://host:port/__faults` when started with `faultControl`; undefined otherwise. */
  faultControlUrl: string | undefined;
  stats: BridgeStats;
  resetStats(): void;
  close(): Promise<void>;
}

export type CutMoment = "before_forwarding" | "after_answer" | "stall";

interface DropRule {
  id: string;
  marker: Buffer;
  when: CutMoment;
  /** A connection was cut for it. */
  triggered: boolean;
  /** With `after_answer`: the database answered the marked frame completely before the cut. */
  answered: boolean;
  /** With `stall`: the driver has since closed the stalled connection. */
  closed: boolean;
}

/** Markers shorter than this could match unrelated traffic of other tests. */
const MIN_MARKER_BYTES = 8;
const MAX_MARKER_BYTES = 200;
/** Armed and finished rules kept for status queries; old ones are forgotten first. */
const MAX_RULES = 1_000;

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? "127.0.0.1";
  const allowed = new Set(options.allowedTargets);
  const stats: BridgeStats = { framesToDatabase: 0, framesFromDatabase: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const rules = new Map<string, DropRule>();
  const armed = () => [...rules.values()].filter((rule) => !rule.triggered);

  /** Known once listening; the HTTP SQL endpoint connects through it. */
  let proxyAddress = "";
  const http = createServer((request, response) => {
    if (request.method === "POST" && new URL(request.url ?? "/", "http://bridge").pathname === "/sql") {
      handleSqlRequest(request, response).catch((error: unknown) =>
        reply(response, 502, { message: `the bridge failed: ${String(error)}` }),
      );
      return;
    }
    if (options.faultControl && (request.url ?? "").startsWith("/__faults/")) {
      handleFaultRequest(request, response).catch(() =>
        reply(response, 500, { error: "fault control failed" }),
      );
      return;
    }
    // What `ws` answers on its own port to anything that is not an upgrade.
    response.writeHead(426, { "Content-Type": "text/plain" });
    response.end("Upgrade Required");
  });
  const server = new WebSocketServer({ server: http, perMessageDeflate: false });

  async function handleSqlRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_SQL_BODY_BYTES);
    if (body === undefined) return reply(response, 413, { message: "request body too large" });
    const answer = await answerSqlRequest(request.headers, body, { proxyAddress, allowed });
    reply(response, answer.status, answer.body);
  }

  async function handleFaultRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://bridge");
    const body = await readJson(request);
    if (request.method === "POST" && url.pathname === "/__faults/drops") {
      const { marker, when = "after_answer" } = (body ?? {}) as { marker?: unknown; when?: unknown };
      const bytes = typeof marker === "string" ? Buffer.from(marker, "utf8") : Buffer.alloc(0);
      if (bytes.length < MIN_MARKER_BYTES || bytes.length > MAX_MARKER_BYTES) {
        return reply(response, 400, {
          error: `marker must be a string of ${MIN_MARKER_BYTES}–${MAX_MARKER_BYTES} bytes`,
        });
      }
      if (when !== "before_forwarding" && when !== "after_answer" && when !== "stall") {
        return reply(response, 400, { error: "when must be 'before_forwarding', 'after_answer' or 'stall'" });
      }
      const rule: DropRule = {
        id: randomUUID(),
        marker: bytes,
        when,
        triggered: false,
        answered: false,
        closed: false,
      };
      rules.set(rule.id, rule);
      if (rules.size > MAX_RULES) rules.delete(rules.keys().next().value as string);
      return reply(response, 201, present(rule));
    }
    const match = /^\/__faults\/drops\/([\w-]+)$/.exec(url.pathname);
    const rule = match?.[1] ? rules.get(match[1]) : undefined;
    if (rule && request.method === "GET") return reply(response, 200, present(rule));
    if (rule && request.method === "DELETE") {
      rules.delete(rule.id);
      response.writeHead(204).end();
      return;
    }
    return reply(response, 404, { error: "unknown fault control request" });
  }

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
    /** Set by an `after_answer` rule: the database's answer is held back until it is complete, then the cut. */
    let answerToCut: { rule: DropRule; answer: PostgresMessageStream } | undefined;
    /** Set by a `stall` rule: nothing more of the driver's reaches the database. */
    let stalledBy: DropRule | undefined;
    /** The end of the previous frame (while rules are armed), so a marker split across two frames is still seen. */
    let tail = Buffer.alloc(0);

    const cut = () => {
      tcp.resetAndDestroy();
      ws.terminate();
    };

    tcp.on("connect", () => {
      tcpReady = true;
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    tcp.on("data", (chunk) => {
      if (answerToCut) {
        if (answerToCut.answer.feed(chunk).includes(READY_FOR_QUERY)) {
          answerToCut.rule.answered = true;
          cut();
        }
        return;
      }
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

    const frontend = new PostgresMessageStream("frontend");
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      stats.framesToDatabase++;
      if (stalledBy) return;
      const candidates = options.faultControl ? armed() : [];
      if (candidates.length > 0) {
        const seen = Buffer.concat([tail, chunk]);
        tail = seen.subarray(Math.max(0, seen.length - (MAX_MARKER_BYTES - 1)));
        const rule = candidates.find((candidate) => seen.includes(candidate.marker));
        if (rule) {
          rule.triggered = true;
          if (rule.when === "before_forwarding") {
            cut();
            return;
          }
          if (rule.when === "stall") {
            stalledBy = rule;
            return;
          }
          // The driver waits for each answer before it sends the next statement, so the
          // database's stream is at a message boundary here.
          answerToCut = { rule, answer: new PostgresMessageStream("backend") };
        }
      }
      if (tcpReady) tcp.write(chunk);
      else pending.push(chunk);
      // After Terminate the session is over: close our side as PostgreSQL would.
      if (frontend.feed(chunk).includes(TERMINATE)) {
        if (tcpReady) tcp.end();
        else tcp.once("connect", () => tcp.end());
      }
    });
    ws.on("close", () => {
      if (stalledBy) stalledBy.closed = true;
      tcp.end();
    });
    ws.on("error", () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
    http.listen(options.port ?? 0, host);
  });
  const port = (http.address() as AddressInfo).port;
  proxyAddress = `${host}:${port}`;

  return {
    port,
    proxyAddress,
    sqlEndpoint: `http://${proxyAddress}/sql`,
    faultControlUrl: options.faultControl ? `http://${host}:${port}/__faults` : undefined,
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
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function present(rule: DropRule) {
  const { id, when, triggered, answered, closed } = rule;
  return { id, marker: rule.marker.toString("utf8"), when, triggered, answered, closed };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    request.on("error", reject);
  });
}

/** The whole body, or undefined once it grows past `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    request.on("error", reject);
  });
}

function splitHostPort(target: string): [string, number] {
  const index = target.lastIndexOf(":");
  return [target.slice(0, index), Number(target.slice(index + 1))];
}
