// `npm run test:hardening`: the sweeps and fault tests inside workerd
// (vitest.hardening.config.ts), then the loopback load run, then one scan of
// everything the runs printed — the Worker's, the Durable Objects' and
// workerd's own output included — for personal data. Ends with the report
// lines every part printed ("[hardening] …") and the seeds to replay it.
//
// Seeds: FUZZ_SEED / LOAD_SEED replay a run; HARDENING_SEEDS=fixed (what CI sets) takes the base
// seed of fuzz/regression-seeds.json for both, so CI cannot pass or fail by chance; otherwise each
// run draws random seeds to explore. Every run also replays the regression seeds kept there.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { scanForPersonalData, stripColour } from "./personal-data-scan.ts";

const fixed = process.env.HARDENING_SEEDS === "fixed";
const baseSeed: number = JSON.parse(
  readFileSync(new URL("./fuzz/regression-seeds.json", import.meta.url), "utf8"),
).base;

const seed = (name: string) => {
  const given = process.env[name];
  const value =
    given && /^\d+$/.test(given) ? Number(given) : fixed ? baseSeed : Math.floor(Math.random() * 2 ** 31);
  process.env[name] = String(value);
  return value;
};
const seeds = { FUZZ_SEED: seed("FUZZ_SEED"), LOAD_SEED: seed("LOAD_SEED") };
const replay = `FUZZ_SEED=${seeds.FUZZ_SEED} LOAD_SEED=${seeds.LOAD_SEED} npm run test:hardening`;
console.log(
  `hardening seeds (${fixed ? "fixed, from fuzz/regression-seeds.json" : "random unless given"}): ${replay}`,
);

interface Part {
  name: string;
  command: string;
  args: string[];
}

const parts: Part[] = [
  {
    name: "sweeps and faults (workerd)",
    command: "npx",
    args: ["vitest", "run", "--config", "vitest.hardening.config.ts", ...process.argv.slice(2)],
  },
  {
    name: "abuse (workerd, wrangler.toml's rate limits)",
    command: "npx",
    args: ["vitest", "run", "--config", "vitest.abuse.config.ts"],
  },
  { name: "loopback load run", command: "npm", args: ["run", "--silent", "test:load"] },
];

function run(part: Part): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    console.log(`\n==> ${part.name}: ${part.command} ${part.args.join(" ")}`);
    const child = spawn(part.command, part.args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const chunks: string[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk.toString("utf8"));
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      chunks.push(chunk.toString("utf8"));
      process.stderr.write(chunk);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output: chunks.join("") }));
  });
}

const results: { part: Part; code: number; output: string }[] = [];
for (const part of parts) results.push({ part, ...(await run(part)) });

const output = results.map((r) => r.output).join("\n");
const leaks = scanForPersonalData(output);
const plain = stripColour(output);
const reportLines = plain
  .split("\n")
  .filter((line) => line.includes("[hardening]"))
  .map((line) => line.slice(line.indexOf("[hardening]") + "[hardening]".length).trim());

console.log("\n==> Hardening report");
for (const line of reportLines) console.log(`  ${line}`);
for (const { part, code } of results)
  console.log(`  ${part.name}: ${code === 0 ? "passed" : `FAILED (exit ${code})`}`);
console.log(
  `  personal-data scan of all output (${plain.split("\n").length} lines): ${leaks.length === 0 ? "clean" : `${leaks.length} FOUND`}`,
);
for (const leak of leaks) console.log(`    ${leak}`);
console.log(`  replay: ${replay}`);

process.exitCode = results.every((r) => r.code === 0) && leaks.length === 0 ? 0 : 1;
