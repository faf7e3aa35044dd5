// The Worker: HTTP API and (as features land) the cron. Reads like a table of
// contents; everything it wires lives in src/.
import { buildApp } from "../src/app/build-app";

const app = buildApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
