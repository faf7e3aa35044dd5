// BENCH_PROFILE=<dir>: a V8 CPU profile of the API Worker's isolate for each measurement, taken
// through the inspector of the local runtime, so a ratio that is short can be put against the
// functions that spend the Worker's CPU. The API Worker is then built unminified (names in the
// profile are the source's); each profile opens in Chrome DevTools (Performance, "Load profile").
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { WebSocket as WebSocketType } from "ws";

// The `ws` package, as the bench's other clients use: wrangler's inspector proxy refused Node's
// own WebSocket client when this was written.
const { WebSocket } = createRequire(import.meta.url)("ws") as { WebSocket: typeof WebSocketType };

/** Microseconds between samples: fine enough to see a request of a few milliseconds. */
const SAMPLING_INTERVAL_US = 250;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface RunningProfile {
  stop(): Promise<CpuProfile>;
}

/** Starts sampling the first isolate the inspector on `port` offers (the API Worker). */
export async function startCpuProfile(port: number): Promise<RunningProfile> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const target = targets[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", (error) =>
      reject(new Error(`the inspector refused the connection: ${error.message}`)),
    );
  });
  let lastId = 0;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++lastId;
      waiting.set(id, (message) =>
        message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result),
      );
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await call("Profiler.start");
  return {
    async stop() {
      try {
        const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
        return profile;
      } finally {
        socket.close();
      }
    },
  };
}

/** Writes the profile as `<dir>/<name>.cpuprofile` and returns the file's path. */
export function writeCpuProfile(dir: string, name: string, profile: CpuProfile): string {
  const file = join(
    dir,
    `${name
      .replace(/[^a-z0-9]+/gi, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase()}.cpuprofile`,
  );
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

/**
 * The functions with the most samples of their own, as shares of the samples in which the isolate
 * was busy (idle excluded, garbage collection and the runtime's own work included).
 */
export function busiestFunctions(profile: CpuProfile, count: number): { share: number; where: string }[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const own = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") continue;
    busy += 1;
    const file = frame.url.split("/").pop() || frame.url;
    const where = `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
    own.set(where, (own.get(where) ?? 0) + 1);
  }
  return [...own]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, samples]) => ({ share: busy === 0 ? 0 : samples / busy, where }));
}
