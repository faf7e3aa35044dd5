import { inject } from "vitest";

/** Every rate limit of wrangler.toml by binding name. */
export const limits = new Map(inject("rateLimits").map((binding) => [binding.name, binding.simple]));

/** A rate limit of wrangler.toml, as the Worker under test has it. */
export const limitOf = (name: string) => {
  const configured = limits.get(name);
  if (!configured) throw new Error(`wrangler.toml has no ${name} rate limit`);
  return configured.limit;
};

/** Waits for the next minute when fewer than `secondsNeeded` remain in this one (limits count per minute). */
export async function withinOnePeriod(secondsNeeded: number) {
  const left = 60 - (Math.floor(Date.now() / 1000) % 60);
  if (left < secondsNeeded) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 250));
}
