/** The properties the Workers runtime sets on errors thrown through a Durable Object stub. */
interface StubError {
  /** The object was reset (a deploy, a crash, `ctx.abort()`) while the call was running or queued. */
  durableObjectReset?: unknown;
  /** A transient failure the platform says is safe to retry (e.g. the object could not be reached). */
  retryable?: unknown;
  overloaded?: unknown;
}

/**
 * Whether a call through a Durable Object stub failed because of the platform (the object was
 * reset, is overloaded, or could not be reached), as opposed to an error of the object's own code.
 */
export function isDurableObjectUnavailability(error: unknown): boolean {
  const failure = error as StubError | null;
  return failure?.durableObjectReset === true || failure?.retryable === true || failure?.overloaded === true;
}

/** Which of the platform's failures it was, for logs: `reset`, `overloaded` or `unreachable`. */
export function durableObjectUnavailabilityKind(error: unknown): "reset" | "overloaded" | "unreachable" {
  const failure = error as StubError | null;
  if (failure?.durableObjectReset === true) return "reset";
  if (failure?.overloaded === true) return "overloaded";
  return "unreachable";
}

export function isDurableObjectOverloaded(error: unknown): boolean {
  return (error as StubError | null)?.overloaded === true;
}
