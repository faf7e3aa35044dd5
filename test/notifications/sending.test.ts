import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";
import {
  addContact,
  asSystem,
  drain,
  fakeControl,
  fakeFor,
  notificationsOf,
  scanLogsForEmailAddresses,
  setSender,
  settle,
} from "./support";

scanLogsForEmailAddresses();

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
  await setSender(agency);
});

async function ok(path: string, body: unknown, token = agency.tokens.engineer, method = "POST") {
  const res = await api(path, { method, token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
}

async function setRecipients(id: string, contacts: { id: string }[], memberIds: string[] = []) {
  return ok(
    `/v1/releases/${id}/recipients`,
    {
      contacts: contacts.map((c) => ({ contact_id: c.id, role: "client_stakeholder" })),
      members: memberIds.map((member_id) => ({ member_id, role: "agency" })),
    },
    agency.tokens.release_manager,
    "PUT",
  );
}

/** From execution into post-deployment verification: the "deployed" notification. */
async function deploy(id: string) {
  await ok(`/v1/releases/${id}/deployment-log`, { kind: "deployment_started" });
  await ok(`/v1/releases/${id}/deployment-log`, { kind: "deployment_completed" });
  await ok(`/v1/releases/${id}/test-results`, { stage: "smoke", suite: "homepage", status: "passed" });
  await ok(
    `/v1/releases/${id}/transitions`,
    { to: "post_deployment_verification" },
    agency.tokens.release_manager,
  );
}

async function toClosure(id: string) {
  await ok(`/v1/releases/${id}/test-results`, { stage: "verification", suite: "checkout", status: "passed" });
  await ok(`/v1/releases/${id}/test-results`, { stage: "uat", suite: "client", status: "passed" });
  await ok(`/v1/releases/${id}/monitoring-confirmation`, { note: "Error rate flat" });
  const stable = await decide(agency, id, {
    kind: "stability",
    outcome: "stable",
    rationale: "Metrics normal",
  });
  expect(stable.status, stable.text).toBe(200);
}

async function publish(id: string, markdown: string) {
  await ok(`/v1/releases/${id}/notes`, { markdown }, agency.tokens.release_manager, "PUT");
  await ok(`/v1/releases/${id}/notes/publish`, undefined, agency.tokens.release_manager);
}

function svixHeaders(body: string, options: { secret?: string; timestamp?: number; id?: string } = {}) {
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const secret = options.secret ?? env.RESEND_WEBHOOK_SECRET ?? "";
  return (async () => {
    const key = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (ch) => ch.charCodeAt(0));
    const hmac = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const mac = await crypto.subtle.sign(
      "HMAC",
      hmac,
      new TextEncoder().encode(`${id}.${timestamp}.${body}`),
    );
    const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
    return {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${signature}`,
    };
  })();
}

describe("stakeholder email through the outbox and the real resend SDK", () => {
  it("factual messages reach everyone with identification and one-click unsubscribe; commercial ones need consent", async () => {
    const consenting = await addContact(agency, { name: "Alex Consenting Person", consent: true });
    const noConsent = await addContact(agency, { name: "Noor Noconsent", consent: false });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [consenting, noConsent]);
    await deploy(id);
    const deployed = await settle(agency, id);
    expect(deployed.filter((m) => m.event === "deployed").map((m) => m.status)).toEqual(["sent", "sent"]);

    for (const person of [consenting, noConsent]) {
      const { deliveries } = await fakeFor(person.email);
      expect(deliveries).toHaveLength(1);
      const [mail] = deliveries;
      expect(mail?.subject).toContain("was deployed");
      // From is the platform's address (EMAIL_FROM; unset in the tests), never the agency's own;
      // setSender's address is unconfirmed, so there is no Reply-To (sender-identity.test.ts).
      expect(mail?.from).toBe('"Harbour Digital" <notifications@release-pilot.local>');
      expect(mail?.reply_to).toBeNull();
      expect(mail?.text).toContain("Sent by Harbour Digital");
      expect(mail?.text).toContain("+61 2 9000 0000");
      expect(mail?.text).toContain("1 George St, Sydney NSW 2000");
      expect(mail?.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/api\.test\/u\/[\w.-]+>$/);
      expect(mail?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(mail?.idempotency_key).toBeTruthy();
      // First name at most: never the surname, never the address in the body.
      expect(mail?.text).not.toContain("Consenting Person");
      expect(mail?.text).not.toContain(person.email);
    }
    expect((await fakeFor(consenting.email)).deliveries[0]?.text).toContain("Hi Alex,");

    await toClosure(id);
    await publish(
      id,
      "## What is new\n\n- A **new** landing page\n- [Booking](https://harbour.example/book)",
    );
    const all = await settle(agency, id);
    const notes = all.filter((m) => m.event === "notes_published");
    expect(notes.every((m) => m.classification === "commercial")).toBe(true);
    const byContact = new Map(notes.map((m) => [m.recipient.contact_id, m]));
    expect(byContact.get(consenting.id)?.status).toBe("sent");
    expect(byContact.get(noConsent.id)).toMatchObject({ status: "skipped", skip_reason: "no_consent" });
    expect((await fakeFor(consenting.email)).deliveries).toHaveLength(2);
    expect((await fakeFor(noConsent.email)).deliveries).toHaveLength(1);

    // Addresses are masked in the API's record.
    for (const message of all) {
      if (message.recipient.address)
        expect(message.recipient.address).toMatch(/^\w\*\*\*@\w\*\*\*\.example$/);
    }

    // Settled: the release closes, and only now.
    const closed = await api(`/v1/releases/${id}/transitions`, {
      token: agency.tokens.release_manager,
      body: { to: "closed" },
    });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.status).toBe("closed");
  });

  it("unsubscribe: GET shows a page and changes nothing, POST unsubscribes, the next message is skipped", async () => {
    const person = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [person]);
    await deploy(id);
    await settle(agency, id);
    const [mail] = (await fakeFor(person.email)).deliveries;
    const link = /<http:\/\/api\.test(\/u\/[^>]+)>/.exec(mail?.headers["List-Unsubscribe"] ?? "")?.[1] ?? "";
    expect(link).toMatch(/^\/u\//);
    expect(mail?.text).toContain(`http://api.test${link}`);

    const page = await api(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(page.text).toContain('<form method="post">');
    expect(page.text).not.toMatch(/<script|https?:\/\/(?!api\.test)/);
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const stillSubscribed = await api(`/v1/contacts/${person.id}`, { token: agency.tokens.owner });
    expect(stillSubscribed.body.unsubscribed_at).toBeNull();

    const tampered = await api(`${link.slice(0, -2)}xx`, { method: "POST" });
    expect(tampered.status).toBe(404);

    const oneClick = await api(link, {
      method: "POST",
      rawBody: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(oneClick.status, oneClick.text).toBe(200);
    expect(oneClick.text).toContain("You are unsubscribed");
    const after = await api(`/v1/contacts/${person.id}`, { token: agency.tokens.owner });
    expect(after.body.unsubscribed_at).not.toBeNull();

    // The next event: queued as skipped, nothing reaches the fake.
    const rollback = await decide(agency, id, {
      kind: "stability",
      outcome: "unstable",
      rationale: "Errors up",
    });
    expect(rollback.status, rollback.text).toBe(200);
    const steps = await api(`/v1/releases/${id}/rollback-steps`, {
      token: agency.tokens.engineer,
      body: { position: 1, outcome: "done" },
    });
    expect(steps.status, steps.text).toBe(200);
    await ok(`/v1/releases/${id}/rollback-steps`, { position: 2, outcome: "done" });
    const items = await settle(agency, id);
    expect(items.find((m) => m.event === "rolled_back")).toMatchObject({
      status: "skipped",
      skip_reason: "unsubscribed",
    });
    expect((await fakeFor(person.email)).deliveries).toHaveLength(1);
  });

  it("retries 5xx and timeouts with the same idempotency key and delivers exactly once", async () => {
    const failing = await addContact(agency, { consent: true });
    const hanging = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [failing, hanging]);
    await fakeControl("fail", failing.email, 2);
    await fakeControl("hang", hanging.email, 1);
    await deploy(id);

    let now = Date.now();
    for (let round = 0; round < 6; round++) {
      await drain({ releaseId: id, now: new Date(now) });
      now += 10 * 60_000; // past any backoff and any lease
    }
    const items = await notificationsOf(agency, id);
    expect(items.items.map((m) => m.status)).toEqual(["sent", "sent"]);

    // The faults come first, then answers of 200 only. On a loaded machine an honest 200 can
    // arrive after the drain's timeout; the retry then repeats it under the same key, and the
    // provider's idempotency is what keeps the delivery single, which is what this proves.
    const failed = await fakeFor(failing.email);
    expect(answersAfter(failed, [500, 500])).toBeGreaterThanOrEqual(1);
    expect(new Set(failed.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect(failed.deliveries).toHaveLength(1);

    const hung = await fakeFor(hanging.email);
    expect(answersAfter(hung, ["hung"])).toBeGreaterThanOrEqual(1);
    expect(new Set(hung.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect(hung.deliveries).toHaveLength(1);

    // Sent is final: another drain sends nothing again.
    await drain({ releaseId: id, now: new Date(now + 3_600_000) });
    expect((await fakeFor(failing.email)).requests).toHaveLength(failed.requests.length);
    expect((await fakeFor(hanging.email)).requests).toHaveLength(hung.requests.length);
  });

  it("a drain whose lease ran out cannot overwrite the outcome of the drain that claimed the message after it", async () => {
    const person = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [person]);
    await fakeControl("hang", person.email, 2);
    await deploy(id);
    // The command's own waitUntil kick makes the first attempt; it hangs until its timeout.
    const firstAttemptOver = async () => (await notificationsOf(agency, id)).items[0]?.status === "retrying";
    while (!(await firstAttemptOver())) await new Promise((resolve) => setTimeout(resolve, 200));

    // A drain an hour later claims the retry, and its send hangs too; ten
    // minutes after it, its lease is gone and a third drain claims, sends and
    // settles the message while the stale drain is still waiting.
    const later = Date.now() + 3_600_000;
    const stale = drain({ releaseId: id, now: new Date(later), timeoutMs: 5_000 });
    while ((await fakeFor(person.email)).requests.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The fake answers this one at once; 5 s keeps a slow honest answer from counting as a timeout.
    const fresh = await drain({ releaseId: id, now: new Date(later + 10 * 60_000), timeoutMs: 5_000 });
    expect(fresh.sent).toBe(1);
    expect((await stale).claimed).toBe(1);

    const [message] = (await notificationsOf(agency, id)).items;
    expect(message?.status).toBe("sent");
    expect(message?.attempts).toBe(3);
    const recorded = await fakeFor(person.email);
    expect(recorded.deliveries).toHaveLength(1);
    expect(new Set(recorded.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    // The kick's hung attempt alone waits out its 10 s timeout, and the stale drain 5 s more.
  }, 60_000);

  it("Resend webhooks are Svix-verified; a bounce suppresses the address and nothing more is sent", async () => {
    const person = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [person]);
    await deploy(id);
    await settle(agency, id);
    const providerId = (await fakeFor(person.email)).deliveries[0]?.id;
    const body = JSON.stringify({
      type: "email.bounced",
      created_at: new Date().toISOString(),
      data: { email_id: providerId, to: [person.email], bounce: { type: "Permanent" } },
    });

    const tamperedBody = body.replace("Permanent", "Permanent ");
    const tampered = await api("/hooks/resend", { rawBody: tamperedBody, headers: await svixHeaders(body) });
    expect(tampered.status).toBe(401);
    const stale = await api("/hooks/resend", {
      rawBody: body,
      headers: await svixHeaders(body, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    });
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toContain("stale_timestamp");
    const wrongSecret = await api("/hooks/resend", {
      rawBody: body,
      headers: await svixHeaders(body, { secret: `whsec_${btoa("not the secret at all")}` }),
    });
    expect(wrongSecret.status).toBe(401);

    const good = await api("/hooks/resend", { rawBody: body, headers: await svixHeaders(body) });
    expect(good.status, good.text).toBe(200);
    expect(good.body.outcome).toBe("suppressed");
    const contact = await api(`/v1/contacts/${person.id}`, { token: agency.tokens.owner });
    expect(contact.body.suppression_reason).toBe("bounce");

    const delivered = await api("/hooks/resend", {
      rawBody: JSON.stringify({ type: "email.delivered", data: { email_id: providerId } }),
      headers: await svixHeaders(JSON.stringify({ type: "email.delivered", data: { email_id: providerId } })),
    });
    expect(delivered.body.outcome).toBe("ignored");

    const unstable = await decide(agency, id, {
      kind: "stability",
      outcome: "unstable",
      rationale: "Errors up",
    });
    expect(unstable.status, unstable.text).toBe(200);
    await ok(`/v1/releases/${id}/rollback-steps`, { position: 1, outcome: "done" });
    await ok(`/v1/releases/${id}/rollback-steps`, { position: 2, outcome: "done" });
    const items = await settle(agency, id);
    expect(items.find((m) => m.event === "rolled_back")).toMatchObject({
      status: "skipped",
      skip_reason: "suppressed",
    });
    expect((await fakeFor(person.email)).deliveries).toHaveLength(1);
  });

  it("publishes an accessible notes page and an Atom feed, 404 until published", async () => {
    const id = await releaseInExecution(agency);
    const release = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    const version = release.body.version as string;
    const path = `/r/${agency.slug}/harbour-cafe-site/${version}`;
    expect((await api(path)).status).toBe(404);
    expect((await api(`/r/${agency.slug}/harbour-cafe-site/feed.atom`)).text).not.toContain(id);
    expect((await api(`/r/${agency.slug}/no-such-project/feed.atom`)).status).toBe(404);

    const template = await api("/v1/release-notes-template", {
      method: "PUT",
      token: agency.tokens.owner,
      body: { markdown: "{{notes}}\n\n## Changes in {{version}}\n\n{{change_log}}" },
    });
    expect(template.status, template.text).toBe(200);
    await deploy(id);
    await toClosure(id);
    await publish(
      id,
      "## Highlights\n\n- Faster <b>checkout</b>\n- [Book a table](https://harbour.example/book)\n- [bad](javascript:alert(1))\n\n<script>alert(1)</script>",
    );
    const page = await api(path);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<html lang="en-AU">');
    expect(page.text).toContain(`<h1>Harbour Cafe website ${version}</h1>`);
    expect(page.text).toContain("<h3>Highlights</h3>");
    expect(page.text).toContain("Faster &lt;b&gt;checkout&lt;/b&gt;");
    expect(page.text).toContain(
      '<a href="https://harbour.example/book" rel="noopener noreferrer">Book a table</a>',
    );
    expect(page.text).not.toContain("javascript:");
    expect(page.text).not.toContain("<script");
    expect(page.text).toContain(`<h3>Changes in ${version}</h3>`);
    expect(page.text).toContain("<li>feature: Landing page</li>");

    const feed = await api(`/r/${agency.slug}/harbour-cafe-site/feed.atom`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("Content-Type")).toContain("application/atom+xml");
    expect(feed.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(feed.text).toContain(`<id>urn:uuid:${id}</id>`);
    expect(feed.text).toContain(`href="http://api.test${path}"`);
    expect(feed.text).not.toContain("<script");
  });

  it("public pages answer overlong or NUL addresses with their HTML 404 and document the 1 MiB limit (fuzz findings)", async () => {
    const overlong = [
      ["GET", `/u/${"x".repeat(2_001)}`],
      ["POST", `/u/${"x".repeat(2_001)}`],
      ["GET", `/r/${"x".repeat(101)}/harbour-cafe-site/feed.atom`],
      ["GET", `/r/${agency.slug}/${"x".repeat(101)}/1.0.0`],
      ["GET", `/r/${agency.slug}/harbour-cafe-site/${"1".repeat(101)}`],
      // Postgres text cannot hold NUL: no slug or version has one.
      ["GET", "/r/%00/harbour-cafe-site/1.0.0"],
      ["GET", `/r/${agency.slug}/harbour-cafe-site/%00`],
      ["GET", `/r/${agency.slug}/%00/feed.atom`],
    ];
    for (const [method, path] of overlong) {
      const res = await api(path as string, { method });
      const request = `${method} ${(path as string).slice(0, 40)}…`;
      expect(res.status, request).toBe(404);
      expect(res.headers.get("Content-Type"), request).toContain("text/html");
    }

    const oversized = await api("/u/anything", { method: "POST", rawBody: "x".repeat(1024 * 1024 + 1) });
    expect(oversized.status).toBe(413);
    const document = (await api("/openapi.json")).body;
    expect(document.paths["/u/{token}"].post.responses["413"].content).toHaveProperty(
      "application/problem+json",
    );
  });

  it("retention deletes settled messages and webhook deliveries older than the agency's period", async () => {
    const person = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await setRecipients(id, [person]);
    await deploy(id);
    await settle(agency, id);
    expect((await notificationsOf(agency, id)).items).toHaveLength(1);
    const { applyRetention } = await import("../../src/notifications/retention");
    await asSystem((tx) =>
      tx.execute(sql`update tenants set retention_days = 1 where id = ${agency.tenantId}`),
    );
    const report = await asSystem((tx) => applyRetention(tx, new Date(Date.now() + 2 * 86_400_000)));
    expect(report.messages_deleted).toBeGreaterThanOrEqual(1);
    expect((await notificationsOf(agency, id)).items).toHaveLength(0);
    await asSystem((tx) =>
      tx.execute(sql`update tenants set retention_days = 90 where id = ${agency.tenantId}`),
    );
  });
});

/** Checks the fake's answers open with `faults` and are all 200 after them; returns how many 200s. */
function answersAfter(record: Awaited<ReturnType<typeof fakeFor>>, faults: (number | string)[]): number {
  const answers = record.requests.map((r) => r.answered);
  expect(answers.slice(0, faults.length)).toEqual(faults);
  const rest = answers.slice(faults.length);
  expect(
    rest.every((answer) => answer === 200),
    JSON.stringify(answers),
  ).toBe(true);
  return rest.length;
}
