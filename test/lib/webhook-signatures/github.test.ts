import { describe, expect, it } from "vitest";
import { verifyDelivery } from "../../../src/lib/webhook-signatures";
import { githubWorkflowRunCompleted } from "../../fixtures/ci/github-payloads";
import { bodyBytes, githubHeaders, hubSignature, NOW_SECONDS } from "../../fixtures/ci/sign-delivery";

const SECRET = "8f14e45fceea167a5a36dedd4bea2543";
const OLD_SECRET = "c9f0f895fb98ab9159f51fd0297e236d";
const body = bodyBytes(githubWorkflowRunCompleted);

describe("GitHub X-Hub-Signature-256", () => {
  it("matches GitHub's published test vector", async () => {
    const headers = new Headers({
      "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "X-GitHub-Delivery": "d-1",
      "X-GitHub-Event": "ping",
    });
    const result = await verifyDelivery(
      "github",
      headers,
      new TextEncoder().encode("Hello, World!"),
      ["It's a Secret to Everybody"],
      NOW_SECONDS,
    );
    expect(result).toEqual({
      ok: true,
      deliveryId: "d-1",
      eventType: "ping",
      scheme: "hub-signature-sha256",
      matchedSecretIndex: 0,
    });
  });

  it("accepts a correctly signed delivery and returns its delivery id and event", async () => {
    const result = await verifyDelivery(
      "github",
      await githubHeaders(SECRET, body),
      body,
      [SECRET],
      NOW_SECONDS,
    );
    expect(result).toMatchObject({
      ok: true,
      deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      eventType: "workflow_run",
    });
  });

  it("rejects a tampered body", async () => {
    const headers = await githubHeaders(SECRET, body);
    const tampered = bodyBytes({ ...githubWorkflowRunCompleted, action: "requested" });
    expect(await verifyDelivery("github", headers, tampered, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a signature made with another secret", async () => {
    const headers = await githubHeaders("not-our-secret", body);
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("accepts both the old and the new secret during rotation and reports which matched", async () => {
    const secrets = [SECRET, OLD_SECRET];
    const signedWithNew = await verifyDelivery("github", await githubHeaders(SECRET, body), body, secrets, 0);
    const signedWithOld = await verifyDelivery(
      "github",
      await githubHeaders(OLD_SECRET, body),
      body,
      secrets,
      0,
    );
    expect(signedWithNew).toMatchObject({ ok: true, matchedSecretIndex: 0 });
    expect(signedWithOld).toMatchObject({ ok: true, matchedSecretIndex: 1 });
  });

  it("accepts an upper-case hex digest", async () => {
    const headers = await githubHeaders(SECRET, body);
    headers.set(
      "X-Hub-Signature-256",
      `sha256=${(headers.get("X-Hub-Signature-256") ?? "").slice(7).toUpperCase()}`,
    );
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({ ok: true });
  });

  it("does not accept the legacy SHA-1 header in place of SHA-256", async () => {
    const headers = await githubHeaders(SECRET, body);
    headers.delete("X-Hub-Signature-256");
    headers.set("X-Hub-Signature", "sha1=0000000000000000000000000000000000000000");
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it.each([
    ["no prefix", "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"],
    ["sha1 prefix", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"],
    ["truncated digest", "sha256=757107ea0eb2509fc211"],
    ["non-hex digest", "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"],
  ])("rejects a malformed signature header (%s)", async (_label, value) => {
    const headers = await githubHeaders(SECRET, body);
    headers.set("X-Hub-Signature-256", value);
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it.each([
    ["X-GitHub-Delivery", "missing_delivery_id"],
    ["X-GitHub-Event", "missing_event_type"],
  ])("rejects a signed delivery without %s", async (header, reason) => {
    const headers = await githubHeaders(SECRET, body);
    headers.delete(header);
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason,
    });
  });

  it("checks the signature before reporting missing metadata headers", async () => {
    const headers = new Headers({
      "X-Hub-Signature-256": (await githubHeaders("wrong", body)).get("X-Hub-Signature-256") ?? "",
    });
    expect(await verifyDelivery("github", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("refuses to verify when the integration has no secret", async () => {
    expect(await verifyDelivery("github", await githubHeaders(SECRET, body), body, [], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "no_secret_configured",
    });
  });

  it("signs the exact bytes: re-serialised JSON with different whitespace fails", async () => {
    const compact = bodyBytes(githubWorkflowRunCompleted);
    const pretty = new TextEncoder().encode(JSON.stringify(githubWorkflowRunCompleted, null, 2));
    const headers = new Headers({
      "X-Hub-Signature-256": await hubSignature(SECRET, compact),
      "X-GitHub-Delivery": "d",
      "X-GitHub-Event": "workflow_run",
    });
    expect(await verifyDelivery("github", headers, pretty, [SECRET], NOW_SECONDS)).toMatchObject({
      ok: false,
    });
  });
});
