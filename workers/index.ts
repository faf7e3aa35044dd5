// The Worker: the HTTP API, the per-minute cron and the Durable Object
// classes. Reads like a table of contents; everything it wires lives in src/.

import { runTick } from "../src/cron/tick";
import { processDeliveryBatch } from "../src/integrations/process-delivery";
import type { DeliveryJob } from "../src/integrations/receive-delivery";
import { buildApp } from "./build-app";

export { DeliveryIntake } from "./delivery-intake";
export { ReleaseCoordinator } from "./release-coordinator";

const app = buildApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // Awaited, not waitUntil'd: a failed tick is then recorded as a failed cron run.
    const report = await runTick(env, controller.scheduledTime);
    console.info(JSON.stringify({ level: "info", event: "cron_tick", ...report }));
  },
  // CI webhook deliveries, recorded and answered by fetch, processed here.
  async queue(batch, env) {
    await processDeliveryBatch(env, batch as MessageBatch<DeliveryJob>);
  },
} satisfies ExportedHandler<Env>;
