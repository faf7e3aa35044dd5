import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import * as standardWebhooks from "../../node_modules/standardwebhooks/dist/index.js";
import { EVENT_PAYLOAD_SCHEMAS } from "../../scripts/lib/openapi-webhooks";
import { DatabaseHandle } from "../../src/db/client";
import type { OutboundEventType } from "../../src/domain/webhooks";
import { runtimeConfig } from "../../src/env";
import { deliverDue } from "../../src/webhooks/deliver";
import { deliverySettings } from "../../src/webhooks/kick";
import { addContact, asSystem } from "../notifications/support";
import { createRelease, go, ok, readyForGo, toPreDeployment } from "../releases/release-driver";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { securityCases } from "../support/security";

// The real `standardwebhooks` library (by path: the Worker bundle aliases the name away) verifies
// every delivery the way an agency's receiver would.
const { Webhook } = standardWebhooks as unknown as {
  Webhook: new (secret: string) => { verify(body: string, headers: Record<string, string>): unknown };
};

interface Received {
  headers: Record<string, string>;
  body: string;
}

const receiverUrl = () => inject("webhookReceiverUrl");
let receivers = 0;
const newReceiver = () => `agency-${Date.now().toString(36)}-${receivers++}`;
const receiverEndpoint = (name: string) => `${receiverUrl()}/r/${name}`;

async function received(name: string): Promise<Received[]> {
  return (await fetch(`${receiverUrl()}/__received/${name}`)).json();
}

async function script(name: string, body: { statuses?: number[]; hang?: number }) {
  await fetch(`${receiverUrl()}/__script/${name}`, { method: "POST", body: JSON.stringify(body) });
}

/** Waits for `count` deliveries at the receiver (they are sent in waitUntil after the response). */
async function awaitDeliveries(name: string, count: number, timeoutMs = 10_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(name);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${name}: ${got.length} of ${count} deliveries arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a receiver does: verify the signature with the library, then check the payload's schema. */
function verified(secret: string, delivery: Received) {
  const payload = new Webhook(secret).verify(delivery.body, delivery.headers) as { type: OutboundEventType };
  EVENT_PAYLOAD_SCHEMAS[payload.type].parse(payload);
  // biome-ignore lint/suspicious/noExplicitAny: payload fields are asserted one by one below
  return payload as { type: OutboundEventType; timestamp: string; data: Record<string, any> };
}

/** The sender the cron and the kicks run, at a chosen time. */
async function deliverAt(now: Date, tenantId?: string) {
  const config = runtimeConfig(env);
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  try {
    return await deliverDue(database, deliverySettings(config), { now, tenantId });
  } finally {
    await database.end();
  }
}

let agency: SeededAgency;
let other: SeededAgency;
let sharedEndpointId: string;

beforeAll(async () => {
  agency = await seedAgency();
  other = await seedAgency();
  const created = await createEndpoint(agency, {
    url: receiverEndpoint(newReceiver()),
    events: ["release.closed"],
  });
  sharedEndpointId = created.body.id;
});

function createEndpoint(
  a: SeededAgency,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return api("/v1/webhook-endpoints", { token: a.tokens.owner, body, headers });
}

async function endpointFor(events: string[], format = "standard") {
  const name = newReceiver();
  const res = await createEndpoint(agency, {
    url: receiverEndpoint(name),
    events,
    format,
    description: "Ops tools",
  });
  expect(res.status, res.text).toBe(201);
  return { name, id: res.body.id as string, secret: res.body.secret as string };
}

const deliveriesOf = async (endpointId: string) =>
  (await ok(`/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`, agency.tokens.owner)).body.items as {
    id: string;
    event_type: string;
    status: string;
    attempts: number;
    last_response_code: number | null;
    next_attempt_at: string | null;
  }[];

describe("release events to an agency's own receiver (Standard Webhooks)", () => {
  it("signs every event, verifiable with the standardwebhooks library, and sends only subscribed ones", async () => {
    const all = await endpointFor([
      "release.created",
      "release.stage_changed",
      "release.decision_recorded",
      "release.scheduled",
    ]);
    const decisionsOnly = await endpointFor(["release.decision_recorded"]);
    expect(all.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const shown = await ok(`/v1/webhook-endpoints/${all.id}`, agency.tokens.owner);
    expect(shown.body.secret).toBeUndefined();
    // The URL is whole only in the create response: after that, origin and first segment.
    expect(shown.body.url).toBe(`${receiverUrl()}/r/…`);
    expect(shown.text).not.toContain(all.secret.slice(6));

    const id = await createRelease(agency, { title: "Autumn campaign" });
    await toPreDeployment(agency, id);
    await readyForGo(agency, id);
    await go(agency, id);

    // Created, two stage changes and the go (inside the window, so never `scheduled`).
    const deliveries = await awaitDeliveries(all.name, 4);
    const payloads = deliveries.map((delivery) => verified(all.secret, delivery));
    const types = payloads.map((p) => p.type);
    expect(types).toEqual(
      expect.arrayContaining(["release.created", "release.stage_changed", "release.decision_recorded"]),
    );
    expect(types).not.toContain("release.closed");
    const created = payloads.find((p) => p.type === "release.created");
    expect(created?.data.release).toMatchObject({
      id,
      title: "Autumn campaign",
      stage: "planning",
      project: { id: agency.projectId, name: "Harbour Cafe website" },
      client: { id: agency.clientId, name: "Harbour Cafe" },
      url: `http://api.test/v1/releases/${id}`,
    });
    const stages = payloads
      .filter((p) => p.type === "release.stage_changed")
      .map((p) => `${p.data.from_stage}→${p.data.to_stage}`);
    expect(stages).toEqual([
      "planning→pre_deployment_verification",
      "pre_deployment_verification→deployment_execution",
    ]);
    const decision = payloads.find((p) => p.type === "release.decision_recorded");
    expect(decision?.data).toMatchObject({
      decision: "go_no_go",
      outcome: "go",
      decided_by_kind: "member",
      decided_by: agency.members.release_manager.id,
    });
    expect(decision?.data.release.stage).toBe("deployment_execution");
    // Ids, names of things, stages, decisions: never an address or a person's name.
    for (const delivery of deliveries) {
      expect(delivery.body).not.toMatch(/@|release_manager person|Olivia Owner/);
      expect(delivery.headers["webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(delivery.headers["content-type"]).toBe("application/json");
    }
    expect(new Set(deliveries.map((d) => d.headers["webhook-id"])).size).toBe(deliveries.length);

    const onlyDecisions = await awaitDeliveries(decisionsOnly.name, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await received(decisionsOnly.name)).map((d) => verified(decisionsOnly.secret, d).type)).toEqual([
      "release.decision_recorded",
    ]);
    expect(onlyDecisions).toHaveLength(1);

    const listed = await deliveriesOf(all.id);
    expect(
      listed.every((d) => d.status === "delivered" && d.attempts === 1 && d.last_response_code === 200),
    ).toBe(true);
  });

  it("retries a failed delivery with the same webhook-id on the Standard Webhooks schedule", async () => {
    const endpoint = await endpointFor(["release.created"]);
    await script(endpoint.name, { statuses: [503] });
    await createRelease(agency);
    await awaitDeliveries(endpoint.name, 1);
    let [delivery] = await waitForStatus(endpoint.id, "retrying");
    expect(delivery).toMatchObject({ attempts: 1, last_response_code: 503 });
    const due = Date.parse(delivery?.next_attempt_at ?? "");
    // The first retry is due 5 s after the attempt (not checked against now: the test's own polling
    // may take that long on a loaded machine); "not due yet" below is judged at a time of our choosing.
    expect(due - Date.now()).toBeLessThanOrEqual(5_000);

    // Not due yet: nothing is sent. Due: sent again, the same id, and delivered.
    expect((await deliverAt(new Date(due - 1_000), agency.tenantId)).claimed).toBe(0);
    await deliverAt(new Date(due + 1), agency.tenantId);
    const both = await received(endpoint.name);
    expect(both).toHaveLength(2);
    expect(both[1]?.headers["webhook-id"]).toBe(both[0]?.headers["webhook-id"]);
    verified(endpoint.secret, both[1] as Received);
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      status: "delivered",
      attempts: 2,
      last_response_code: 200,
      next_attempt_at: null,
    });
  });

  it("gives up after eight attempts over about a day; a failed delivery can be sent again by hand", async () => {
    const endpoint = await endpointFor(["release.created"]);
    await script(endpoint.name, { statuses: [500, 500, 500, 500, 500, 500, 500, 500] });
    await createRelease(agency);
    await awaitDeliveries(endpoint.name, 1);
    await waitForStatus(endpoint.id, "retrying");
    const first = Date.now();
    let clock = first;
    for (let attempt = 2; attempt <= 8; attempt++) {
      const [pending] = await deliveriesOf(endpoint.id);
      clock = Date.parse(pending?.next_attempt_at ?? "") + 1;
      await deliverAt(new Date(clock), agency.tenantId);
    }
    const [failed] = await deliveriesOf(endpoint.id);
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 8,
      last_response_code: 500,
      next_attempt_at: null,
    });
    const hours = (clock - first) / 3_600_000;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThan(30);

    const retried = await api(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${failed?.id}/retry`, {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toMatchObject({ status: "delivered", attempts: 1, last_response_code: 200 });
    const all = await received(endpoint.name);
    expect(all).toHaveLength(9);
    expect(new Set(all.map((d) => d.headers["webhook-id"])).size).toBe(1);
  });

  it("disables an endpoint failing for three days, emails the owners, and holds its deliveries until re-enabled", async () => {
    const endpoint = await endpointFor(["release.created"]);
    await script(endpoint.name, { statuses: [500] });
    await asSystem((tx) =>
      tx.execute(
        sql`update webhook_endpoints set failing_since = now() - interval '3 days 1 minute',
          last_failure_at = now() - interval '1 hour' where id = ${endpoint.id}`,
      ),
    );
    await createRelease(agency);
    await awaitDeliveries(endpoint.name, 1);
    await waitForStatus(endpoint.id, "retrying");
    const disabled = await ok(`/v1/webhook-endpoints/${endpoint.id}`, agency.tokens.owner);
    expect(disabled.body).toMatchObject({ enabled: false });
    expect(disabled.body.disabled_reason).toContain("three days");
    const alerts = await asSystem((tx) =>
      tx.execute(sql`select member_id from outbox_messages
        where tenant_id = ${agency.tenantId} and event = 'webhook_endpoint_disabled'`),
    );
    expect(alerts.rows).toEqual([{ member_id: agency.members.owner.id }]);

    // While disabled, its queued delivery waits even when due, and new events are not queued for it;
    // a test is still sent (to check a fix).
    const [waiting] = await deliveriesOf(endpoint.id);
    expect(waiting?.status).toBe("retrying");
    await createRelease(agency);
    await deliverAt(new Date(Date.now() + 60_000), agency.tenantId);
    expect(await deliveriesOf(endpoint.id)).toEqual([waiting]);
    expect(await received(endpoint.name)).toHaveLength(1);
    const test = await api(`/v1/webhook-endpoints/${endpoint.id}/test`, {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(test.status, test.text).toBe(200);
    expect(test.body).toMatchObject({ event_type: "webhook.test", status: "delivered" });

    const enabled = await api(`/v1/webhook-endpoints/${endpoint.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { enabled: true },
    });
    expect(enabled.body).toMatchObject({ enabled: true, failing_since: null, disabled_reason: null });
    await deliverAt(new Date(Date.now() + 60_000), agency.tenantId);
    expect((await deliveriesOf(endpoint.id)).find((d) => d.id === waiting?.id)?.status).toBe("delivered");
    expect((await received(endpoint.name)).map((d) => d.headers["webhook-id"])).toContain(waiting?.id);
  });

  it("a failure after a long quiet gap starts a new streak instead of disabling the endpoint", async () => {
    const endpoint = await endpointFor(["release.created"]);
    await script(endpoint.name, { statuses: [500] });
    // It failed four days ago, then had no traffic for two days: not "failing for three days".
    await asSystem((tx) =>
      tx.execute(sql`update webhook_endpoints set failing_since = now() - interval '4 days',
        last_failure_at = now() - interval '2 days' where id = ${endpoint.id}`),
    );
    await createRelease(agency);
    await awaitDeliveries(endpoint.name, 1);
    await waitForStatus(endpoint.id, "retrying");
    const shown = await ok(`/v1/webhook-endpoints/${endpoint.id}`, agency.tokens.owner);
    expect(shown.body.enabled).toBe(true);
    expect(Date.now() - Date.parse(shown.body.failing_since)).toBeLessThan(60_000);
  });

  it("signs with both secrets for a day after a rotation", async () => {
    const endpoint = await endpointFor(["release.created"]);
    const rotated = await api(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const overlap = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3_600_000);
    const test = await api(`/v1/webhook-endpoints/${endpoint.id}/test`, {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(test.body.status).toBe("delivered");
    const [delivery] = await received(endpoint.name);
    expect(delivery?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verified(rotated.body.secret, delivery as Received).type).toBe("webhook.test");
    expect(verified(endpoint.secret, delivery as Received).type).toBe("webhook.test");
    expect(() => verified(`whsec_${btoa("someone else's secret")}`, delivery as Received)).toThrow();
  });

  it("announces a client's answer to an approval link", async () => {
    const endpoint = await endpointFor(["approval.recorded"]);
    const id = await createRelease(agency);
    await toPreDeployment(agency, id);
    const contact = await addContact(agency);
    const asked = await ok(`/v1/releases/${id}/approval-requests`, agency.tokens.release_manager, {
      contact_id: contact.id,
      kind: "sign_off",
    });
    const answered = await api(new URL(asked.body.url).pathname, {
      method: "POST",
      rawBody: "decision=approved",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(answered.status).toBe(200);
    const [delivery] = await awaitDeliveries(endpoint.name, 1);
    const payload = verified(endpoint.secret, delivery as Received);
    expect(payload).toMatchObject({
      type: "approval.recorded",
      data: {
        approval_request_id: asked.body.id,
        contact_id: contact.id,
        kind: "sign_off",
        decision: "approved",
      },
    });
    expect(delivery?.body).not.toContain(contact.email);
  });
});

describe("Slack and Teams", () => {
  it("sends a Block Kit message to Slack and an Adaptive Card to Teams, each linking to the release", async () => {
    const slack = await endpointFor(["release.created"], "slack");
    const teams = await endpointFor(["release.created"], "teams");
    const id = await createRelease(agency, { title: "Menu <b>refresh</b> & bookings" });
    const [toSlack] = await awaitDeliveries(slack.name, 1);
    const [toTeams] = await awaitDeliveries(teams.name, 1);
    const message = JSON.parse(toSlack?.body ?? "{}");
    expect(message.text).toContain("Harbour Cafe website");
    expect(message.blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(JSON.stringify(message.blocks)).toContain("Menu &lt;b&gt;refresh&lt;/b&gt; &amp; bookings");
    expect(message.blocks.at(-1).elements[0]).toMatchObject({
      type: "button",
      url: `http://api.test/v1/releases/${id}`,
    });
    const card = JSON.parse(toTeams?.body ?? "{}");
    expect(card.type).toBe("message");
    expect(card.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.attachments[0].content.actions[0]).toMatchObject({
      type: "Action.OpenUrl",
      url: `http://api.test/v1/releases/${id}`,
    });
    // Signed like every delivery, for the receivers that check.
    expect(toSlack?.headers["webhook-signature"]).toMatch(/^v1,/);
  });
});

describe("managing endpoints", () => {
  it("refuses URLs that are not https to a public host, unknown events, and bad input", async () => {
    for (const [url, why] of [
      ["http://hooks.example.com.au/release-pilot", "https"],
      ["https://10.0.0.8/hook", "private"],
      ["https://192.168.1.20/hook", "private"],
      ["https://169.254.169.254/latest", "private"],
      ["https://user:pass@hooks.example.com.au/x", "password"],
      ["ftp://hooks.example.com.au/x", "https"],
    ] as const) {
      const res = await createEndpoint(agency, { url, events: ["release.created"] });
      expect(res.status, url).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ path: "body.url" });
      expect(res.body.detail).toContain(why);
    }
    for (const body of [
      { url: "https://hooks.example.com.au/x", events: ["release.exploded"] },
      { url: "https://hooks.example.com.au/x", events: [] },
      { url: "https://hooks.example.com.au/x", events: ["webhook.test"] },
      { url: "https://hooks.example.com.au/x", events: ["release.created", "release.created"] },
      { url: "https://hooks.example.com.au/x", events: ["release.created"], format: "discord" },
      { url: "not a url", events: ["release.created"] },
    ]) {
      const res = await createEndpoint(agency, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const good = await createEndpoint(agency, {
      url: "https://hooks.example.com.au/release-pilot",
      events: ["release.closed"],
    });
    expect(good.status, good.text).toBe(201);
    expect(good.body.format).toBe("standard");
    const patched = await api(`/v1/webhook-endpoints/${good.body.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { url: "http://hooks.example.com.au/plain" },
    });
    expect(patched.status).toBe(422);
    const deleted = await api(`/v1/webhook-endpoints/${good.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(deleted.status).toBe(204);
    expect((await api(`/v1/webhook-endpoints/${good.body.id}`, { token: agency.tokens.owner })).status).toBe(
      404,
    );
  });

  it("a replayed Idempotency-Key names the endpoint but never shows its secret again (409)", async () => {
    const headers = { "Idempotency-Key": `endpoint-${Date.now()}` };
    const body = { url: receiverEndpoint(newReceiver()), events: ["release.closed"] };
    const first = await createEndpoint(agency, body, headers);
    expect(first.status).toBe(201);
    const replay = await createEndpoint(agency, body, headers);
    expect(replay.status).toBe(409);
    expect(replay.body.applied.id).toBe(first.body.id);
    expect(replay.text).not.toContain(first.body.secret);
  });

  it("another agency's endpoints are not listed and get no events", async () => {
    const list = await ok("/v1/webhook-endpoints?limit=100", other.tokens.owner);
    expect(list.body.items).toEqual([]);
    const mine = await ok("/v1/webhook-endpoints?limit=100", agency.tokens.owner);
    expect(mine.body.items.some((e: { id: string }) => e.id === sharedEndpointId)).toBe(true);
  });
});

async function waitForStatus(endpointId: string, status: string) {
  for (let i = 0; i < 50; i++) {
    const items = await deliveriesOf(endpointId);
    if (items[0]?.status === status) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no delivery reached ${status}`);
}

const agencies = (): [SeededAgency, SeededAgency] => [agency, other];
const owners = ["owner"] as const;
const endpointPath = () => `/v1/webhook-endpoints/${sharedEndpointId}`;

securityCases(
  "POST /v1/webhook-endpoints",
  {
    method: "POST",
    path: () => "/v1/webhook-endpoints",
    body: () => ({ url: "https://hooks.example.com.au/x", events: ["release.closed"] }),
    allowedRoles: owners,
  },
  agencies,
);
securityCases(
  "GET /v1/webhook-endpoints",
  { method: "GET", path: () => "/v1/webhook-endpoints", allowedRoles: owners },
  agencies,
);
securityCases(
  "GET /v1/webhook-endpoints/{id}",
  { method: "GET", path: endpointPath, allowedRoles: owners, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/webhook-endpoints/{id}",
  {
    method: "PATCH",
    path: endpointPath,
    body: () => ({ description: "Renamed" }),
    allowedRoles: owners,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "DELETE /v1/webhook-endpoints/{id}",
  { method: "DELETE", path: endpointPath, allowedRoles: owners, ownsResource: true },
  agencies,
);
securityCases(
  "POST /v1/webhook-endpoints/{id}/rotate-secret",
  { method: "POST", path: () => `${endpointPath()}/rotate-secret`, allowedRoles: owners, ownsResource: true },
  agencies,
);
securityCases(
  "POST /v1/webhook-endpoints/{id}/test",
  { method: "POST", path: () => `${endpointPath()}/test`, allowedRoles: owners, ownsResource: true },
  agencies,
);
securityCases(
  "GET /v1/webhook-endpoints/{id}/deliveries",
  { method: "GET", path: () => `${endpointPath()}/deliveries`, allowedRoles: owners, ownsResource: true },
  agencies,
);
securityCases(
  "POST /v1/webhook-endpoints/{id}/deliveries/{delivery_id}/retry",
  {
    method: "POST",
    path: () => `${endpointPath()}/deliveries/01a2333e-d040-7c11-8a5e-2f9b0e7d6c31/retry`,
    allowedRoles: owners,
    ownsResource: true,
  },
  agencies,
);
