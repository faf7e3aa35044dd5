import { describe, expect, it } from "vitest";
import { rejectionHttpStatus } from "../../../src/lib/webhook-signatures";
import { constantTimeEqual, secretsEqual } from "../../../src/lib/webhook-signatures/hmac";

describe("constantTimeEqual", () => {
  it("is true only for identical bytes", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([0, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});

describe("secretsEqual", () => {
  it("compares secrets of any length exactly", async () => {
    expect(await secretsEqual("s3cret", "s3cret")).toBe(true);
    expect(await secretsEqual("s3cret", "s3cre")).toBe(false);
    expect(await secretsEqual("", "s3cret")).toBe(false);
    expect(await secretsEqual("S3cret", "s3cret")).toBe(false);
  });
});

describe("rejectionHttpStatus", () => {
  it("answers 401 for authentication failures and 400 for authenticated but unusable requests", () => {
    expect(rejectionHttpStatus("bad_signature")).toBe(401);
    expect(rejectionHttpStatus("stale_timestamp")).toBe(401);
    expect(rejectionHttpStatus("missing_signature")).toBe(401);
    expect(rejectionHttpStatus("malformed_body")).toBe(400);
    expect(rejectionHttpStatus("missing_delivery_id")).toBe(400);
  });
});
