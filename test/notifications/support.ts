import { env } from "cloudflare:workers";
import { afterAll, beforeAll, expect } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inSystemScope, type Tx } from "../../src/db/scope";
import { runtimeConfig } from "../../src/env";
import { type DrainOptions, drainOutbox } from "../../src/notifications/send";
import { emailSettings } from "../../src/notifications/settings";
import { api } from "../support/api";
import type { SeededAgency } from "../support/harness";

export interface FakeDelivery {
  id: string;
  idempotency_key: string | null;
  to: string[];
  from: string;
  reply_to: string | string[] | null;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const fakeUrl = () => env.RESEND_BASE_URL ?? "";

/** What the fake Resend recorded for one address. */
export async function fakeFor(address: string): Promise<{
  requests: { headers: Record<string, string>; answered: number | string; body: { to: string[] } }[];
  deliveries: FakeDelivery[];
}> {
  const res = await fetch(`${fakeUrl()}/__fake/requests?to=${encodeURIComponent(address)}`);
  return res.json();
}

export async function fakeControl(action: "fail" | "hang", to: string, count: number) {
  const res = await fetch(`${fakeUrl()}/__fake/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ to, count }),
  });
  expect(res.status).toBe(200);
}

/** Runs the outbox drain the cron runs, for one release, at `now`. */
export async function drain(options: Partial<DrainOptions> = {}) {
  const config = runtimeConfig(env);
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  try {
    return await drainOutbox(database, emailSettings(config), {
      now: new Date(),
      // Long enough that a loaded machine's honest answer is not mistaken for a timeout (which
      // would retry and count one request more); the fake's hung requests still time out.
      timeoutMs: 1_000,
      ...options,
    });
  } finally {
    await database.end();
  }
}

export async function asSystem<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const config = runtimeConfig(env);
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  try {
    return await inSystemScope(database, work);
  } finally {
    await database.end();
  }
}

/** The release's messages as the API reports them. */
export async function notificationsOf(agency: SeededAgency, releaseId: string) {
  const res = await api(`/v1/notifications?release_id=${releaseId}&limit=200`, {
    token: agency.tokens.viewer,
  });
  expect(res.status, res.text).toBe(200);
  return res.body as {
    items: {
      id: string;
      event: string;
      classification: string;
      status: string;
      skip_reason: string | null;
      recipient: { contact_id: string | null; member_id: string | null; address: string | null };
      attempts: number;
    }[];
    email_configured: boolean;
  };
}

/** Drains until nothing of the release is queued or retrying (a waitUntil kick may hold some for a moment). */
export async function settle(agency: SeededAgency, releaseId: string) {
  for (let i = 0; i < 40; i++) {
    await drain({ releaseId });
    const { items } = await notificationsOf(agency, releaseId);
    if (items.every((item) => item.status !== "queued" && item.status !== "retrying")) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("notifications did not settle");
}

let contactCounter = 0;
export async function addContact(
  agency: SeededAgency,
  options: { name?: string; consent?: boolean } = {},
): Promise<{ id: string; email: string }> {
  const email = `person${contactCounter++}-${Math.random().toString(36).slice(2, 8)}@${agency.slug}.example`;
  const res = await api("/v1/contacts", {
    token: agency.tokens.owner,
    body: {
      name: options.name ?? "Casey Client Stakeholder",
      email,
      role: "Marketing manager",
      client_id: agency.clientId,
      ...(options.consent
        ? {
            consent: {
              basis: "express",
              obtained_at: "2026-01-10T00:00:00Z",
              method: "Ticked the release-updates box on the kickoff form",
              evidence: "https://crm.example/forms/123",
            },
          }
        : {}),
    },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, email };
}

export async function setSender(agency: SeededAgency, name = "Harbour Digital") {
  const res = await api("/v1/tenant", {
    method: "PATCH",
    token: agency.tokens.owner,
    body: {
      sender: {
        name,
        email: `hello@${agency.slug}.example`,
        phone: "+61 2 9000 0000",
        postal_address: "1 George St, Sydney NSW 2000",
      },
    },
  });
  expect(res.status, res.text).toBe(200);
}

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

/**
 * Captures everything the suite (and the Worker, which runs in the same isolate)
 * writes to the console, and fails the suite if any of it contains an email address.
 */
export function scanLogsForEmailAddresses() {
  const captured: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = new Map<string, (...args: unknown[]) => void>();
  beforeAll(() => {
    for (const method of methods) {
      const original = console[method].bind(console);
      originals.set(method, original);
      console[method] = (...args: unknown[]) => {
        captured.push(args.map((arg) => (typeof arg === "string" ? arg : safeJson(arg))).join(" "));
        original(...args);
      };
    }
  });
  afterAll(() => {
    for (const method of methods) {
      const original = originals.get(method);
      if (original) console[method] = original;
    }
    const leaks = captured.filter((line) => EMAIL_PATTERN.test(line));
    expect(leaks, "log lines must not contain email addresses").toEqual([]);
  });
  return captured;
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Puts `contact` on the release's communication list, completes its deployment and moves it to
 * post-deployment verification, then drains: the contact gets the `deployed` email. Returns it.
 */
export async function deployedEmailTo(
  agency: SeededAgency,
  releaseId: string,
  contact: { id: string; email: string },
): Promise<FakeDelivery | undefined> {
  const ok = async (path: string, body: unknown, token = agency.tokens.engineer, method = "POST") => {
    const res = await api(path, { method, token, body });
    expect(res.status, `${path}: ${res.text}`).toBe(200);
  };
  await ok(
    `/v1/releases/${releaseId}/recipients`,
    { contacts: [{ contact_id: contact.id, role: "client_stakeholder" }] },
    agency.tokens.release_manager,
    "PUT",
  );
  await ok(`/v1/releases/${releaseId}/deployment-log`, { kind: "deployment_started" });
  await ok(`/v1/releases/${releaseId}/deployment-log`, { kind: "deployment_completed" });
  await ok(`/v1/releases/${releaseId}/test-results`, { stage: "smoke", suite: "homepage", status: "passed" });
  await ok(
    `/v1/releases/${releaseId}/transitions`,
    { to: "post_deployment_verification" },
    agency.tokens.release_manager,
  );
  const messages = await settle(agency, releaseId);
  expect(messages.filter((m) => m.event === "deployed").map((m) => m.status)).toEqual(["sent"]);
  const { deliveries } = await fakeFor(contact.email);
  return deliveries.at(-1);
}
