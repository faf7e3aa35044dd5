// The knobs of the load run, read from the environment. Every one is bounded so
// a typo cannot turn the run into an unbounded one.

export interface LoadSettings {
  /** How long autocannon sends requests (LOAD_SECONDS, 1–600, default 20). */
  seconds: number;
  /** Concurrent keep-alive connections (LOAD_CONNECTIONS, 1–256, default 16). */
  connections: number;
  /** Seed of the request sequence (LOAD_SEED, an unsigned 32-bit integer; random when unset). */
  seed: number;
  /** Whether the seed came from LOAD_SEED (a replay) or was drawn for this run. */
  seedGiven: boolean;
  /** Agencies seeded, each with its own releases and CI integration (LOAD_AGENCIES, 1–20, default 3). */
  agencies: number;
  /** Seconds autocannon waits for one response before counting a timeout. */
  timeoutSeconds: number;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): LoadSettings {
  const seed = env.LOAD_SEED === undefined || env.LOAD_SEED === "" ? undefined : Number(env.LOAD_SEED);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new Error(`LOAD_SEED must be an integer from 0 to ${0xffffffff}; it is '${env.LOAD_SEED}'`);
  }
  return {
    seconds: boundedInt(env, "LOAD_SECONDS", 20, 1, 600),
    connections: boundedInt(env, "LOAD_CONNECTIONS", 16, 1, 256),
    seed: seed ?? (crypto.getRandomValues(new Uint32Array(1))[0] as number),
    seedGiven: seed !== undefined,
    agencies: boundedInt(env, "LOAD_AGENCIES", 3, 1, 20),
    timeoutSeconds: 10,
  };
}

function boundedInt(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; it is '${raw}'`);
  }
  return value;
}
