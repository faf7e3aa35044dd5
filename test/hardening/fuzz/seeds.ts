// Seeds for the sweep: one run seed (FUZZ_SEED, printed), and from it one
// seed per operation and request kind, so replaying one operation does not
// need the others to run first. Seeds that once found a bug are kept in
// regression-seeds.json and replayed on their operation in every run.
import regressionSeeds from "./regression-seeds.json";

/** The seeds that once found a bug in this operation. */
export const regressionSeedsFor = (operationId: string): number[] =>
  regressionSeeds.regressions.filter((r) => r.operation === operationId).map((r) => r.seed);

/** FNV-1a: a stable 32-bit hash, the same in every runtime. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

export const propertySeed = (runSeed: number, operationId: string, property: string): number =>
  fnv1a(`${runSeed}/${operationId}/${property}`);

/** The command that replays one generated request (fast-check's path is the run's index). */
export const replayCommand = (runSeed: number, operationId: string, property: string, index: number) =>
  `FUZZ_SEED=${runSeed} FUZZ_OPERATION='${operationId}' FUZZ_PATH=${property}:${index} npm run test:hardening -- test/hardening/fuzz`;
