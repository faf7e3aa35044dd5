// Bounded closed-loop load: `concurrency` loops each send a request, wait for
// the answer, and send the next, until `requests` have been sent in total.

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  concurrency: number;
  requests: number;
  /** Requests sent (and discarded) first, with the same concurrency. */
  warmup: number;
  /** Per-request timeout; the run is bounded by requests × timeout at worst. */
  timeoutMs?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  firstError?: string;
}

export async function runClosedLoop(options: LoadOptions): Promise<LoadResult> {
  if (options.warmup > 0) await loop({ ...options, requests: options.warmup });
  return summarise(options.requests, [await loop(options)]);
}

/**
 * Loads several targets in turn, in `rounds` rounds of `requests / rounds` each, in the order
 * A B, B A, A B… so that both meet the same machine. On a shared machine whose load drifts within a
 * minute, one long run per target compares two different moments; alternating short runs compare
 * like with like. Each target is warmed up first; its rounds are then merged.
 */
export async function runInterleaved(
  targets: readonly (Omit<LoadOptions, "concurrency" | "requests" | "warmup"> & { name: string })[],
  settings: Pick<LoadOptions, "concurrency" | "requests" | "warmup">,
  rounds: number,
  /** Called as each measured round of a target starts; what it returns, as the round ends. */
  aroundRound: (target: string) => () => void = () => () => {},
): Promise<Map<string, LoadResult>> {
  const runs = new Map<string, Run[]>(targets.map((target) => [target.name, []]));
  for (const target of targets) {
    if (settings.warmup > 0) await loop({ ...target, ...settings, requests: settings.warmup });
  }
  const perRound = Math.ceil(settings.requests / rounds);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const roundEnded = aroundRound(target.name);
      runs.get(target.name)?.push(await loop({ ...target, ...settings, requests: perRound }));
      roundEnded();
    }
  }
  return new Map([...runs].map(([name, done]) => [name, summarise(perRound * rounds, done)]));
}

interface Run {
  latencies: number[];
  errors: number;
  firstError?: string;
  durationMs: number;
}

function summarise(requests: number, runs: readonly Run[]): LoadResult {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const durationMs = runs.reduce((sum, run) => sum + run.durationMs, 0);
  const firstError = runs.find((run) => run.firstError)?.firstError;
  return {
    requests,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    durationMs,
    requestsPerSecond: (latencies.length / durationMs) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    ...(firstError ? { firstError } : {}),
  };
}

async function loop(options: LoadOptions): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const worker = async () => {
    while (sent < options.requests) {
      sent++;
      const start = performance.now();
      try {
        const response = await fetch(options.url, {
          headers: options.headers,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer();
        if (response.status !== 200) {
          errors++;
          firstError ??= `HTTP ${response.status}`;
          continue;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      latencies.push(performance.now() - start);
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    latencies,
    errors,
    durationMs: performance.now() - started,
    ...(firstError ? { firstError } : {}),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Sends `count` requests one after another; returns how many answered 200. */
export async function runSequential(
  url: string,
  headers: Record<string, string> | undefined,
  count: number,
): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (response.status === 200) ok++;
  }
  return ok;
}
