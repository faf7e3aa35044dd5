// npm run client:generate — writes the typed client's generated files from openapi/openapi.json
// npm run client:check    — fails when they are stale (CI), so the client never drifts from the document
//
// Generated: the `paths` types (openapi-typescript with its default flags, so a defaulted request field
// stays optional) and the creating operations that accept an Idempotency-Key, which the client keys
// automatically.
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const documentUrl = new URL("../openapi/openapi.json", import.meta.url);
const outDir = new URL("../clients/typescript/src/generated/", import.meta.url);
const header = "// Generated from openapi/openapi.json by `npm run client:generate`. Do not edit.\n";

interface EnumSchemas {
  properties?: Record<string, { enum?: string[] }>;
}

interface Operation {
  parameters?: { $ref?: string; name?: string; in?: string }[];
}

const document = JSON.parse(readFileSync(documentUrl, "utf8")) as {
  paths: Record<string, { post?: Operation; parameters?: Operation["parameters"] }>;
};

const types = `${header}${astToString(await openapiTS(documentUrl))}`;

const keyedPosts = Object.entries(document.paths)
  .filter(
    ([, item]) =>
      // Parameters can sit on the path (shared by its operations) or on the operation.
      [...(item.parameters ?? []), ...(item.post?.parameters ?? [])].some(
        (p) => p.$ref === "#/components/parameters/IdempotencyKey" || p.name === "Idempotency-Key",
      ) && item.post !== undefined,
  )
  .map(([path]) => path)
  .sort();
const operations = `${header}
/** POST operations that accept an Idempotency-Key: the client adds one and reuses it on retries. */
export const idempotentPosts: ReadonlySet<string> = new Set([
${keyedPosts.map((path) => `  "${path}",`).join("\n")}
]);
`;

// The CLI validates --stage and --status against these, so they come from the document too.
const release = (document as unknown as { components: { schemas: Record<string, EnumSchemas> } }).components
  .schemas.Release;
const enumOf = (name: string) => {
  const values = release?.properties?.[name]?.enum;
  if (!values) throw new Error(`openapi/openapi.json: Release.${name} has no enum`);
  return values.map((value) => `  "${value}",`).join("\n");
};
const releaseStates = `${header}
export const releaseStages = [
${enumOf("stage")}
] as const;

export const releaseStatuses = [
${enumOf("status")}
] as const;
`;

const files = { "openapi.ts": types, "idempotent-posts.ts": operations, "release-states.ts": releaseStates };

if (process.argv[2] === "check") {
  const stale = Object.entries(files).filter(([name, text]) => {
    try {
      return readFileSync(new URL(name, outDir), "utf8") !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(
      `clients/typescript/src/generated is stale (${stale.map(([n]) => n).join(", ")}): run \`npm run client:generate\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log("clients/typescript/src/generated is up to date.");
} else {
  for (const [name, text] of Object.entries(files)) writeFileSync(new URL(name, outDir), text);
  console.log(`wrote clients/typescript/src/generated (${keyedPosts.length} keyed POST operations)`);
}
