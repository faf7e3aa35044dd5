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
  return loop(options);
}

async function loop(options: LoadOptions): Promise<LoadResult> {
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
  const durationMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: options.requests,
    errors,
    durationMs,
    requestsPerSecond: (latencies.length / durationMs) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
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
