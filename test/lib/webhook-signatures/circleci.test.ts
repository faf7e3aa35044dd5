import { describe, expect, it } from "vitest";
import { verifyDelivery } from "../../../src/lib/webhook-signatures";
import { circleciWorkflowCompleted } from "../../fixtures/ci/circleci-payloads";
import { bodyBytes, circleCiHeaders, circleCiSignature, NOW_SECONDS } from "../../fixtures/ci/sign-delivery";

const SECRET = "d3d9446802a44259755d38e6d163e820";
const body = bodyBytes(circleciWorkflowCompleted);

describe("CircleCI circleci-signature", () => {
  it("accepts a signed delivery and takes the delivery id from the payload", async () => {
    expect(
      await verifyDelivery("circleci", await circleCiHeaders(SECRET, body), body, [SECRET], NOW_SECONDS),
    ).toEqual({
      ok: true,
      deliveryId: "3888f21b-eaa7-38e3-8f3d-75a63bba8895",
      eventType: "workflow-completed",
      scheme: "circleci-signature-v1",
      matchedSecretIndex: 0,
    });
  });

  it("uses v1 from a comma list with an unknown version, in any position", async () => {
    const v1 = await circleCiSignature(SECRET, body);
    for (const header of [`v2=abcdef0123,${v1}`, `${v1}, v2=abcdef0123`, `v0=zz,${v1},v3=1`]) {
      const headers = new Headers({ "circleci-signature": header });
      expect(await verifyDelivery("circleci", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({
        ok: true,
      });
    }
  });

  it("does not accept an unknown version's value even if it is the right digest", async () => {
    const v1 = await circleCiSignature(SECRET, body);
    const headers = new Headers({ "circleci-signature": v1.replace("v1=", "v2=") });
    expect(await verifyDelivery("circleci", headers, body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "unsupported_signature_version",
    });
  });

  it("rejects a tampered body, a wrong secret and a missing header", async () => {
    const headers = await circleCiHeaders(SECRET, body);
    const tampered = bodyBytes({ ...circleciWorkflowCompleted, id: "another-id" });
    expect(await verifyDelivery("circleci", headers, tampered, [SECRET], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
    expect(await verifyDelivery("circleci", headers, body, ["other"], NOW_SECONDS)).toMatchObject({
      reason: "bad_signature",
    });
    expect(await verifyDelivery("circleci", new Headers(), body, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it("accepts the previous secret during rotation", async () => {
    const headers = await circleCiHeaders("previous", body);
    expect(await verifyDelivery("circleci", headers, body, [SECRET, "previous"], NOW_SECONDS)).toMatchObject({
      ok: true,
      matchedSecretIndex: 1,
    });
  });

  it("does not parse an unauthenticated body: invalid JSON with a bad signature is bad_signature", async () => {
    const garbage = new TextEncoder().encode("{not json");
    const headers = await circleCiHeaders("other", garbage);
    expect(await verifyDelivery("circleci", headers, garbage, [SECRET], NOW_SECONDS)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a signed body that is not JSON, or has no id", async () => {
    const garbage = new TextEncoder().encode("{not json");
    expect(
      await verifyDelivery(
        "circleci",
        await circleCiHeaders(SECRET, garbage),
        garbage,
        [SECRET],
        NOW_SECONDS,
      ),
    ).toEqual({ ok: false, reason: "malformed_body" });
    const withoutId = bodyBytes({ ...circleciWorkflowCompleted, id: undefined });
    expect(
      await verifyDelivery(
        "circleci",
        await circleCiHeaders(SECRET, withoutId),
        withoutId,
        [SECRET],
        NOW_SECONDS,
      ),
    ).toEqual({ ok: false, reason: "missing_delivery_id" });
  });

  it("trusts the signed payload type over the unsigned header", async () => {
    const headers = await circleCiHeaders(SECRET, body);
    headers.set("circleci-event-type", "job-completed");
    expect(await verifyDelivery("circleci", headers, body, [SECRET], NOW_SECONDS)).toMatchObject({
      eventType: "workflow-completed",
    });
  });
});
