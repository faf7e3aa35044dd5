import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { releaseInExecution } from "../support/releases";
import { securityCases } from "../support/security";
import {
  addContact,
  deployedEmailTo,
  type FakeDelivery,
  fakeFor,
  scanLogsForEmailAddresses,
} from "./support";

// Sender identity (security finding: any agency could set another agency's domain or a bank's address
// as From/Reply-To). From is always the platform's address (EMAIL_FROM; unset here, so the default);
// an agency's own address becomes the Reply-To only after someone at it follows the confirmation link
// emailed to it, and only while it stays the agency's address.

scanLogsForEmailAddresses();

const PLATFORM_FROM = "notifications@release-pilot.local";
let agency: SeededAgency;
let other: SeededAgency;

beforeAll(async () => {
  [agency, other] = await seedTwoAgencies();
});

const addressFor = (slug: string, name: string) => `${name}-${slug}@bank.example`;

async function setSenderEmail(who: SeededAgency, email: string | null) {
  const res = await api("/v1/tenant", {
    method: "PATCH",
    token: who.tokens.owner,
    body: {
      sender: {
        name: "Harbour Digital",
        email,
        phone: "+61 2 9000 0000",
        postal_address: "1 George St, Sydney NSW 2000",
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The confirmation emails the fake Resend has for `address`, waiting for the one sent after the response. */
async function confirmationsFor(address: string, atLeast = 1): Promise<FakeDelivery[]> {
  for (let i = 0; i < 50; i++) {
    const found = (await fakeFor(address)).deliveries.filter((d) => d.subject.startsWith("Confirm replies"));
    if (found.length >= atLeast) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("no confirmation email arrived");
}

const linkIn = (mail: FakeDelivery | undefined) => {
  const match = /http:\/\/api\.test(\/c\/[\w.-]+)/.exec(mail?.text ?? "");
  if (!match?.[1]) throw new Error("no confirmation link in the email");
  return match[1];
};

describe("sender identity", () => {
  it("sends From the platform's address, with no Reply-To until the agency's address is confirmed, then with it", async () => {
    const address = addressFor(agency.slug, "releases");
    const tenant = await setSenderEmail(agency, address);
    expect(tenant.sender.email).toBe(address);
    expect(tenant.sender.email_confirmed_at).toBeNull();

    // The confirmation email: to that address, From the platform, naming the agency, with the link.
    const [confirmation] = await confirmationsFor(address);
    expect(confirmation?.from).toBe(`"Release Pilot" <${PLATFORM_FROM}>`);
    expect(confirmation?.to).toEqual([address]);
    expect(confirmation?.text).toContain("Harbour Digital asked Release Pilot to send replies");
    const link = linkIn(confirmation);

    const contact = await addContact(agency);
    const before = await deployedEmailTo(agency, await releaseInExecution(agency), contact);
    expect(before?.from).toBe(`"Harbour Digital" <${PLATFORM_FROM}>`);
    expect(before?.reply_to).toBeNull();
    // The agency's address is still its Spam Act contact in the message.
    expect(before?.text).toContain(address);

    // GET shows a button and changes nothing (mail scanners follow links); the POST confirms.
    const page = await api(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(page.text).toContain('<form method="post">');
    expect(
      (await api("/v1/tenant", { token: agency.tokens.owner })).body.sender.email_confirmed_at,
    ).toBeNull();
    const confirmed = await api(link, { method: "POST" });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain("Address confirmed");
    const after = await api("/v1/tenant", { token: agency.tokens.viewer });
    expect(Date.parse(after.body.sender.email_confirmed_at)).not.toBeNaN();
    // Confirming twice is harmless.
    expect((await api(link, { method: "POST" })).status).toBe(200);

    const second = await addContact(agency);
    const later = await deployedEmailTo(agency, await releaseInExecution(agency), second);
    expect(later?.from).toBe(`"Harbour Digital" <${PLATFORM_FROM}>`);
    expect(later?.reply_to).toBe(address);
  });

  it("a new address must be confirmed again; the old address's link no longer confirms anything", async () => {
    const first = addressFor(other.slug, "first");
    await setSenderEmail(other, first);
    const oldLink = linkIn((await confirmationsFor(first))[0]);
    const next = addressFor(other.slug, "next");
    const changed = await setSenderEmail(other, next);
    expect(changed.sender.email_confirmed_at).toBeNull();
    const refused = await api(oldLink, { method: "POST" });
    expect(refused.status).toBe(404);
    expect(refused.text).toContain("This confirmation link is not valid");
    expect((await api(oldLink)).status).toBe(404);
    expect(
      (await api("/v1/tenant", { token: other.tokens.owner })).body.sender.email_confirmed_at,
    ).toBeNull();

    // Setting the same address again (any case) keeps a confirmation; setting none clears it.
    const nextLink = linkIn((await confirmationsFor(next))[0]);
    expect((await api(nextLink, { method: "POST" })).status).toBe(200);
    const same = await setSenderEmail(other, next.toUpperCase());
    expect(same.sender.email_confirmed_at).not.toBeNull();
    const none = await setSenderEmail(other, null);
    expect(none.sender.email_confirmed_at).toBeNull();
  });

  it("refuses altered, foreign and malformed links with the same page", async () => {
    const address = addressFor(agency.slug, "tamper");
    await setSenderEmail(agency, address);
    const link = linkIn((await confirmationsFor(address))[0]);
    const [head, payload, signature] = link.slice("/c/".length).split(".");
    // The payload re-signed for nothing: swap in the other agency's id.
    const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, tid: other.tenantId }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    for (const path of [
      `/c/${head}.${forged}.${signature}`,
      `${link}x`,
      "/c/not-a-token",
      `/c/${"a".repeat(2001)}`,
    ]) {
      const res = await api(path, { method: "POST" });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toContain("text/html");
    }
    expect(
      (await api("/v1/tenant", { token: agency.tokens.owner })).body.sender.email_confirmed_at,
    ).toBeNull();
  });

  it("POST /v1/tenant/sender-email-confirmation sends the link again, and says why when it cannot", async () => {
    const address = addressFor(agency.slug, "again");
    await setSenderEmail(agency, address);
    await confirmationsFor(address);
    const again = await api("/v1/tenant/sender-email-confirmation", {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(again.status, again.text).toBe(202);
    expect(again.body.email).toBe(address);
    expect(Date.parse(again.body.expires_at) - Date.now()).toBeGreaterThan(47 * 3600_000);
    const both = await confirmationsFor(address, 2);
    expect((await api(linkIn(both.at(-1)), { method: "POST" })).status).toBe(200);

    const confirmed = await api("/v1/tenant/sender-email-confirmation", {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.detail).toContain("already confirmed");

    await setSenderEmail(agency, null);
    const none = await api("/v1/tenant/sender-email-confirmation", {
      method: "POST",
      token: agency.tokens.owner,
    });
    expect(none.status).toBe(409);
    expect(none.body.detail).toContain("PATCH /v1/tenant");
  });
});

securityCases(
  "POST /v1/tenant/sender-email-confirmation",
  { method: "POST", path: () => "/v1/tenant/sender-email-confirmation", allowedRoles: ["owner"] },
  () => [agency, other],
);
