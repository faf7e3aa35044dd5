// npm run openapi        — writes openapi/openapi.json from the app's routes
// npm run openapi:check  — fails when the committed file is stale (CI)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { buildApp } from "../workers/build-app";
import { openApiDocument } from "./lib/openapi-document";
import { withExamples } from "./openapi-examples/add-examples";

const target = new URL("../openapi/openapi.json", import.meta.url);
// The document from the routes plus an example on every media type (add-examples.ts); the Worker
// serves this file as it is (a static asset).
const generated = `${JSON.stringify(withExamples(openApiDocument(buildApp())), null, 2)}\n`;

if (process.argv[2] === "check") {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // missing counts as stale
  }
  if (committed !== generated) {
    console.error("openapi/openapi.json is stale: run `npm run openapi` and commit the result.");
    process.exit(1);
  }
  console.log("openapi/openapi.json is up to date.");
} else {
  mkdirSync(new URL("../openapi", import.meta.url), { recursive: true });
  writeFileSync(target, generated);
  console.log("wrote openapi/openapi.json");
}
