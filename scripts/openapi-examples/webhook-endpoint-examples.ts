import { ids, pageOf } from "./world";

// Paddock & Pixel sends its release events to the #releases channel in Slack.

const endpoint = {
  id: ids.webhookEndpoint,
  url: "https://hooks.slack.com/services/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",
  description: "#releases in Slack",
  format: "slack",
  events: [
    "release.stage_changed",
    "release.decision_recorded",
    "release.deployment_failed",
    "release.rolled_back",
  ],
  enabled: true,
  failing_since: null,
  disabled_at: null,
  disabled_reason: null,
  previous_secret_expires_at: null,
  created_at: "2026-11-03T02:10:00.000Z",
  updated_at: "2026-11-03T02:10:00.000Z",
};

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const shown = { ...endpoint, url: "https://hooks.slack.com/services/…" };

const delivery = {
  id: ids.endpointDelivery,
  endpoint_id: ids.webhookEndpoint,
  event_type: "release.decision_recorded",
  status: "delivered",
  attempts: 1,
  last_response_code: 200,
  last_error: null,
  next_attempt_at: null,
  delivered_at: "2026-12-08T10:58:02.000Z",
  created_at: "2026-12-08T10:58:01.000Z",
};

export const webhookEndpointExamples: Record<string, unknown> = {
  WebhookEndpointCreate: {
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    format: "slack",
  },
  IssuedWebhookEndpoint: { ...endpoint, secret },
  WebhookEndpoint: shown,
  WebhookEndpointPage: pageOf([shown]),
  WebhookEndpointPatch: { events: [...endpoint.events, "release.closed"], enabled: true },
  WebhookEndpointSecret: {
    id: ids.webhookEndpoint,
    secret,
    previous_secret_expires_at: "2026-12-09T04:00:00.000Z",
  },
  WebhookEndpointDelivery: delivery,
  WebhookEndpointDeliveryPage: pageOf([
    delivery,
    {
      ...delivery,
      id: "01a2333e-d040-7c11-8a5e-2f9b0e7d6c31",
      event_type: "release.stage_changed",
      status: "retrying",
      attempts: 2,
      last_response_code: 503,
      last_error: "HTTP 503",
      next_attempt_at: "2026-12-08T11:03:07.000Z",
      delivered_at: null,
    },
  ]),
};
