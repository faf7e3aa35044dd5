import type { AppRouteHandler } from "../../app/context";
import { claimOnIntakeObject } from "../../integrations/cached-claim";
import { enqueueDelivery } from "../../integrations/delivery-queue";
import { receiveDelivery } from "../../integrations/receive-delivery";
import { isUuid } from "../../lib/ids";
import { ApiError } from "../../lib/problem";
import type { receiveWebhook } from "./routes";

export const receiveWebhookHandler: AppRouteHandler<typeof receiveWebhook> = async (c) => {
  const { integration_id: integrationId } = c.req.valid("param");
  if (!isUuid(integrationId)) {
    throw new ApiError("not_found", "No enabled CI integration has this id. Check the receiver URL.");
  }
  // The raw bytes, exactly as signed; nothing parses them before the signature holds.
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  const database = c.get("database");
  const requestId = c.get("requestId");
  const receipt = await receiveDelivery(
    database,
    c.get("config").DATA_ENCRYPTION_KEY,
    {
      integrationId: integrationId.toLowerCase(),
      headers: c.req.raw.headers,
      rawBody,
      now: new Date(),
      requestId,
    },
    // Over DB_TRANSPORT=http the claim is one HTTPS request with no connection to open; over the
    // WebSocket, the integration's intake object makes it on a connection it keeps open.
    database.transport === "http" ? undefined : claimOnIntakeObject(c.env.DELIVERY_INTAKE, requestId),
  );
  console.info(
    JSON.stringify({
      level: "info",
      event: "webhook_received",
      integration_id: integrationId,
      outcome: receipt.body.outcome,
      request_id: requestId,
    }),
  );
  // Providers wait seconds at most (GitHub 10 s, CircleCI 5 s): answer now, change the release after,
  // on the processing queue. The delivery is already recorded; should this hand-over be lost, the
  // cron hands it over again (requeueWaitingDeliveries).
  if (receipt.job) c.executionCtx.waitUntil(enqueueDelivery(c.env, receipt.job));
  return c.json(receipt.body, receipt.status);
};
