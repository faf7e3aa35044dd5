import { describe, expect, it } from "vitest";
import { verifyDelivery } from "../../../src/lib/webhook-signatures";
import { bitbucketCommitStatusUpdated } from "../../fixtures/ci/bitbucket-payloads";
import { bitbucketHeaders, bodyBytes, githubHeaders, NOW_SECONDS } from "../../fixtures/ci/sign-delivery";

const SECRET = "45c48cce2e2d7fbdea1afc51c7c6ad26";
const body = bodyBytes(bitbucketCommitStatusUpdated);

describe("Bitbucket X-Hub-Signature", () => {
  it("accepts a correctly signed delivery with X-Request-UUID and X-Event-Key", async () => {
    expect(
      await verifyDelivery("bitbucket", await bitbucketHeaders(SECRET, body), body, [SECRET], NOW_SECONDS),
    ).toEqual({
      ok: true,
      deliveryId: "afe9e3b8-3d2f-4c8a-9a1b-5e6f7a8b9c0d",
      eventType: "repo:commit_status_updated",
      scheme: "hub-signature-sha256",
      matchedSecretIndex: 0,
    });
  });

  it("rejects a tampered body and a wrong secret", async () => {
    const headers = await bitbucketHeaders(SECRET, body);
    const tampered = bodyBytes({ ...bitbucketCommitStatusUpdated, actor: null });
    expect(await verifyDelivery("bitbucket", headers, tampered, [SECRET], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
    expect(await verifyDelivery("bitbucket", headers, body, ["other"], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
  });

  it("accepts the previous secret during rotation", async () => {
    const headers = await bitbucketHeaders("previous-secret", body);
    expect(
      await verifyDelivery("bitbucket", headers, body, [SECRET, "previous-secret"], NOW_SECONDS),
    ).toMatchObject({
      ok: true,
      matchedSecretIndex: 1,
    });
  });

  it("reads X-Hub-Signature, not GitHub's X-Hub-Signature-256", async () => {
    const headers = await githubHeaders(SECRET, body);
    expect(await verifyDelivery("bitbucket", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it("requires X-Request-UUID for deduplication", async () => {
    const headers = await bitbucketHeaders(SECRET, body);
    headers.delete("X-Request-UUID");
    expect(await verifyDelivery("bitbucket", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_delivery_id",
    });
  });
});
