import { describe, expect, it } from "vitest";
import { verifyDelivery } from "../../../src/lib/webhook-signatures";
import { gitlabPipelineHook } from "../../fixtures/ci/gitlab-payloads";
import {
  bodyBytes,
  gitlabTokenHeaders,
  NOW_SECONDS,
  standardWebhooksHeaders,
} from "../../fixtures/ci/sign-delivery";

const TOKEN = "whsec_dGhpcyBpcyBhIGdpdGxhYiBzaWduaW5nIHRva2VuIQ==";
const OLD_TOKEN = "3c59dc048e8850243be8079a5c74d079";
const body = bodyBytes(gitlabPipelineHook);

describe("GitLab legacy X-Gitlab-Token", () => {
  it("accepts the exact token and prefers Idempotency-Key as the delivery id", async () => {
    expect(await verifyDelivery("gitlab", gitlabTokenHeaders(TOKEN), body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: true,
      deliveryId: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
      eventType: "Pipeline Hook",
      scheme: "gitlab-token",
      matchedSecretIndex: 0,
    });
  });

  it("falls back to X-Gitlab-Event-UUID on GitLab versions without Idempotency-Key", async () => {
    const headers = gitlabTokenHeaders(TOKEN);
    headers.delete("Idempotency-Key");
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toMatchObject({
      ok: true,
      deliveryId: "13792a34-cac6-4fda-95a8-c58e00a3954e",
    });
    headers.delete("X-Gitlab-Event-UUID");
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_delivery_id",
    });
  });

  it.each([
    ["a different token", "whsec_dGhpcyBpcyBhIGdpdGxhYiBzaWduaW5nIHRva2VuIR=="],
    ["a prefix of the token", TOKEN.slice(0, -1)],
    ["the token with extra characters", `${TOKEN}x`],
    ["the token in another case", TOKEN.toUpperCase()],
  ])("rejects %s", async (_label, token) => {
    expect(await verifyDelivery("gitlab", gitlabTokenHeaders(token), body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("accepts the old and the new token during rotation", async () => {
    const secrets = [TOKEN, OLD_TOKEN];
    expect(
      await verifyDelivery("gitlab", gitlabTokenHeaders(OLD_TOKEN), body, secrets, NOW_SECONDS),
    ).toMatchObject({
      ok: true,
      matchedSecretIndex: 1,
    });
    expect(
      await verifyDelivery("gitlab", gitlabTokenHeaders(TOKEN), body, secrets, NOW_SECONDS),
    ).toMatchObject({
      ok: true,
      matchedSecretIndex: 0,
    });
  });

  it("rejects a request with neither a token nor a signature", async () => {
    const headers = gitlabTokenHeaders(TOKEN);
    headers.delete("X-Gitlab-Token");
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it("requires X-Gitlab-Event", async () => {
    const headers = gitlabTokenHeaders(TOKEN);
    headers.delete("X-Gitlab-Event");
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_event_type",
    });
  });
});

describe("GitLab signing token (Standard Webhooks headers)", () => {
  const gitlabSigned = (secret: string, timestamp = NOW_SECONDS) =>
    standardWebhooksHeaders(secret, body, {
      id: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
      timestamp,
      extra: { "X-Gitlab-Event": "Pipeline Hook", "Idempotency-Key": "f5e5f430-f57b-4e6e-9fac-d9128cd7232f" },
    });

  it("verifies the HMAC and uses webhook-id as the delivery id", async () => {
    expect(await verifyDelivery("gitlab", await gitlabSigned(TOKEN), body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: true,
      deliveryId: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
      eventType: "Pipeline Hook",
      scheme: "standard-webhooks",
      matchedSecretIndex: 0,
    });
  });

  it("uses the signature, not a token sent alongside it, when both are present", async () => {
    const headers = await gitlabSigned("whsec_b3RoZXIgc2lnbmluZyBrZXkgb3RoZXIgc2lnbmluZyBrZXk=");
    headers.set("X-Gitlab-Token", TOKEN);
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a replay outside the ±5 minute window", async () => {
    const headers = await gitlabSigned(TOKEN, NOW_SECONDS - 600);
    expect(await verifyDelivery("gitlab", headers, body, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
  });

  it("rejects a tampered body", async () => {
    const headers = await gitlabSigned(TOKEN);
    const tampered = bodyBytes({ ...gitlabPipelineHook, object_kind: "build" });
    expect(await verifyDelivery("gitlab", headers, tampered, [TOKEN], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });
});
