// The Worker: the HTTP API, the per-minute cron and the Durable Object
// classes. Reads like a table of contents; everything it wires lives in src/.

import { runTick } from "../src/cron/tick";
import { buildApp } from "./build-app";

export { ReleaseCoordinator } from "./release-coordinator";

const app = buildApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // Awaited, not waitUntil'd: a failed tick is then recorded as a failed cron run.
    const report = await runTick(env, controller.scheduledTime);
    console.info(JSON.stringify({ level: "info", event: "cron_tick", ...report }));
  },
} satisfies ExportedHandler<Env>;
