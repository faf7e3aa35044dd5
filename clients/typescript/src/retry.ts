export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  retries: number;
  /** The longest wait the client accepts; a longer Retry-After is returned to the caller (default 60 s). */
  maxDelayMs: number;
  /** Waits between attempts (tests pass a recorder). */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 4,
  maxDelayMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type Transport = (request: Request) => Promise<Response>;

/**
 * Resends a request the API refused for now: 429 (never applied) always; 502, 503, 504 and lost
 * connections only when resending cannot apply it twice — reads, PUT, PATCH and DELETE, and POSTs
 * carrying an Idempotency-Key (the API answers the repeat with the first outcome). Waits as long as
 * Retry-After says, else backs off exponentially with jitter, never longer than `maxDelayMs`. Every
 * attempt sends a clone, so the body and the Idempotency-Key of each resend are the first attempt's.
 * A request its caller aborted is never resent.
 */
export function retrying(transport: Transport, options: Partial<RetryOptions> = {}): Transport {
  const { retries, maxDelayMs, sleep } = { ...DEFAULT_RETRY, ...options };
  return async (request) => {
    const resendable = request.method !== "POST" || request.headers.has("Idempotency-Key");
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await transport(request.clone());
      } catch (error) {
        if (!resendable || attempt >= retries || request.signal.aborted) throw error;
        await sleep(Math.min(backoff(attempt), maxDelayMs));
        continue;
      }
      const retryable = response.status === 429 || (UNAVAILABLE.has(response.status) && resendable);
      if (!retryable || attempt >= retries || request.signal.aborted) return response;
      const delay =
        retryAfterMs(response.headers.get("Retry-After")) ?? Math.min(backoff(attempt), maxDelayMs);
      if (delay > maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(delay);
    }
  };
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Anything else must be an HTTP date (IMF-fixdate, "Wed, 02 Dec 2026 00:00:30 GMT"); Date.parse
  // would also read "1.5" or "-5" as a date in the past.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Gateway and availability answers: the request may not have reached the API, or was not applied. */
const UNAVAILABLE = new Set([502, 503, 504]);

const backoff = (attempt: number) => Math.round(500 * 2 ** attempt * (0.5 + Math.random() / 2));
