import { describe, expect, it } from "vitest";
import { verifyDelivery, verifyStandardWebhooksSignature } from "../../../src/lib/webhook-signatures";
import {
  bodyBytes,
  NOW_SECONDS,
  standardWebhooksHeaders,
  standardWebhooksSignature,
} from "../../fixtures/ci/sign-delivery";
import { standardTestResultBody } from "../../fixtures/ci/standard-bodies";

const SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const NEXT_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const body = bodyBytes(standardTestResultBody);

describe("Standard Webhooks scheme", () => {
  it("matches the Standard Webhooks reference test vector", async () => {
    const headers = new Headers({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
    const result = await verifyStandardWebhooksSignature({
      headers,
      rawBody: new TextEncoder().encode('{"test": 2432232314}'),
      secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      nowSeconds: 1614265330,
    });
    expect(result).toEqual({
      ok: true,
      messageId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      matchedSecretIndex: 0,
    });
  });

  it("accepts a signed standard delivery and takes the event type from the body", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: true,
      deliveryId: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
      eventType: "test_result",
      scheme: "standard-webhooks",
      matchedSecretIndex: 0,
    });
  });

  it("rejects a tampered body, and a signature made with another secret", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    const tampered = bodyBytes({ ...standardTestResultBody, type: "deployment" });
    expect(await verifyDelivery("standard", headers, tampered, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await verifyDelivery("standard", headers, body, [NEXT_SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("binds the message id and timestamp into the signature", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    headers.set("webhook-id", "msg_replayed_under_new_id");
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
    const shifted = await standardWebhooksHeaders(SECRET, body);
    shifted.set("webhook-timestamp", String(NOW_SECONDS + 1));
    expect(await verifyDelivery("standard", shifted, body, [SECRET], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
  });

  it("accepts old and new secrets during a rotation overlap", async () => {
    const secrets = [NEXT_SECRET, SECRET];
    const old = await verifyDelivery(
      "standard",
      await standardWebhooksHeaders(SECRET, body),
      body,
      secrets,
      NOW_SECONDS,
    );
    const next = await verifyDelivery(
      "standard",
      await standardWebhooksHeaders(NEXT_SECRET, body),
      body,
      secrets,
      NOW_SECONDS,
    );
    expect(old).toMatchObject({ ok: true, matchedSecretIndex: 1 });
    expect(next).toMatchObject({ ok: true, matchedSecretIndex: 0 });
  });

  it("accepts a multi-signature header where any one entry matches", async () => {
    const id = "msg_multi";
    const wrong = await standardWebhooksSignature(NEXT_SECRET, id, NOW_SECONDS, body);
    const right = await standardWebhooksSignature(SECRET, id, NOW_SECONDS, body);
    const headers = new Headers({
      "webhook-id": id,
      "webhook-timestamp": String(NOW_SECONDS),
      "webhook-signature": `v1a,aGVsbG8= ${wrong} ${right}`,
    });
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({
      ok: true,
    });
  });

  it("rejects when every entry of a multi-signature header is wrong", async () => {
    const id = "msg_multi";
    const headers = new Headers({
      "webhook-id": id,
      "webhook-timestamp": String(NOW_SECONDS),
      "webhook-signature": [
        await standardWebhooksSignature(NEXT_SECRET, id, NOW_SECONDS, body),
        await standardWebhooksSignature("whsec_aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=", id, NOW_SECONDS, body),
      ].join(" "),
    });
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
  });

  it("reports a header with only unknown signature versions", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    headers.set("webhook-signature", "v1a,aGVsbG8= v2,aGVsbG8=");
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "unsupported_signature_version",
    });
  });

  it.each([
    ["300 s old", -300, true],
    ["301 s old", -301, false],
    ["300 s ahead", 300, true],
    ["301 s ahead", 301, false],
    ["a day old", -86_400, false],
  ])("applies the ±5 minute window to a timestamp %s", async (_label, offset, accepted) => {
    const headers = await standardWebhooksHeaders(SECRET, body, { timestamp: NOW_SECONDS + offset });
    const result = await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS);
    expect(result).toEqual(
      accepted ? expect.objectContaining({ ok: true }) : { ok: false, reason: "stale_timestamp" },
    );
  });

  it.each([
    ["webhook-signature", "missing_signature"],
    ["webhook-id", "missing_delivery_id"],
    ["webhook-timestamp", "missing_timestamp"],
  ])("rejects a delivery without %s", async (header, reason) => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    headers.delete(header);
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason,
    });
  });

  it.each(["2026-03-02T04:05:06Z", "1772424306.5", "-1772424306", ""])(
    "rejects a non-integer timestamp %j",
    async (timestamp) => {
      const headers = await standardWebhooksHeaders(SECRET, body);
      headers.set("webhook-timestamp", timestamp);
      const result = await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS);
      expect(result).toEqual({
        ok: false,
        reason: timestamp === "" ? "missing_timestamp" : "invalid_timestamp",
      });
    },
  );

  it("rejects a v1 entry that is not base64 of a 32-byte digest", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    headers.set("webhook-signature", "v1,not*base64");
    expect(await verifyDelivery("standard", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it("skips an unusable stored secret but still verifies with the other", async () => {
    const headers = await standardWebhooksHeaders(SECRET, body);
    expect(await verifyDelivery("standard", headers, body, ["whsec_***", SECRET], NOW_SECONDS)).toMatchObject(
      {
        ok: true,
        matchedSecretIndex: 1,
      },
    );
    expect(await verifyDelivery("standard", headers, body, ["whsec_***"], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "no_secret_configured",
    });
  });

  it("parses the body only after verification, and rejects a signed body that is not JSON", async () => {
    const notJson = new TextEncoder().encode("type=test_result");
    const headers = await standardWebhooksHeaders(SECRET, notJson);
    expect(await verifyDelivery("standard", headers, notJson, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "malformed_body",
    });
    const unsigned = await standardWebhooksHeaders(NEXT_SECRET, notJson);
    expect(await verifyDelivery("standard", unsigned, notJson, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a signed body without a string type", async () => {
    const untyped = bodyBytes({ data: standardTestResultBody.data });
    const headers = await standardWebhooksHeaders(SECRET, untyped);
    expect(await verifyDelivery("standard", headers, untyped, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_event_type",
    });
  });

  it("verifies svix-* headers when asked (Resend and other Svix senders)", async () => {
    const signed = await standardWebhooksHeaders(SECRET, body);
    const headers = new Headers({
      "svix-id": signed.get("webhook-id") ?? "",
      "svix-timestamp": signed.get("webhook-timestamp") ?? "",
      "svix-signature": signed.get("webhook-signature") ?? "",
    });
    const delivery = { headers, rawBody: body, secrets: [SECRET], nowSeconds: NOW_SECONDS };
    expect(await verifyStandardWebhooksSignature(delivery, "svix-")).toMatchObject({ ok: true });
    expect(await verifyStandardWebhooksSignature(delivery)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });
});
