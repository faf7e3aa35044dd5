/**
 * When a failed delivery is tried again: the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h), about 28 hours from the first attempt to the last. After the eighth attempt
 * the delivery has failed; it can still be retried by hand (POST …/deliveries/{id}/retry).
 */
const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;

export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** Seconds until the next attempt after `attempts` failed ones, or null when there is none. */
export function nextRetryDelaySeconds(attempts: number): number | null {
  return RETRY_DELAYS_SECONDS[attempts - 1] ?? null;
}

/** An endpoint whose every attempt has failed for this long is disabled and its owners are told. */
export const DISABLE_AFTER_FAILING_MS = 3 * 86_400_000;

/** A 2xx is delivered; anything else (a redirect included: receivers are called, not browsed) failed. */
export function delivered(status: number): boolean {
  return status >= 200 && status < 300;
}
