import { describe, expect, it } from "vitest";
import { openSecret, SecretBoxError, sealSecret } from "../../src/lib/secret-box";

const keyOf = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const KEY = keyOf(7);
const OTHER_KEY = keyOf(9);
const CONTEXT = "integration:0190f5a2-0000-7000-8000-000000000001:current";

describe("secret box (AES-256-GCM)", () => {
  it("round-trips a secret and never stores it in clear", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const sealed = await sealSecret(KEY, secret, CONTEXT);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(await openSecret(KEY, sealed, CONTEXT)).toBe(secret);
  });

  it("uses a fresh IV each time, so equal secrets give different ciphertexts", async () => {
    const a = await sealSecret(KEY, "same", CONTEXT);
    const b = await sealSecret(KEY, "same", CONTEXT);
    expect(a).not.toBe(b);
  });

  it("refuses another key", async () => {
    const sealed = await sealSecret(KEY, "s3cret", CONTEXT);
    await expect(openSecret(OTHER_KEY, sealed, CONTEXT)).rejects.toBeInstanceOf(SecretBoxError);
  });

  it("refuses another context (a ciphertext moved to another integration or slot)", async () => {
    const sealed = await sealSecret(KEY, "s3cret", CONTEXT);
    await expect(openSecret(KEY, sealed, CONTEXT.replace("current", "previous"))).rejects.toBeInstanceOf(
      SecretBoxError,
    );
  });

  it("refuses any altered byte of the ciphertext or IV", async () => {
    const sealed = await sealSecret(KEY, "s3cret-value", CONTEXT);
    const [version, iv, body] = sealed.split(".") as [string, string, string];
    // Flip one bit of a decoded byte and encode again: changing a base64 character could touch
    // only the unused padding bits of the last one and decode to the very same bytes.
    const fromBase64Url = (text: string) =>
      Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
    const toBase64Url = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
    const flip = (text: string, at: number) => {
      const bytes = fromBase64Url(text);
      const index = at < 0 ? bytes.length + at : at;
      bytes[index] = (bytes[index] ?? 0) ^ 0x01;
      return toBase64Url(bytes);
    };
    for (const tampered of [
      `${version}.${flip(iv, 0)}.${body}`,
      `${version}.${iv}.${flip(body, 0)}`,
      `${version}.${iv}.${flip(body, -1)}`,
    ]) {
      await expect(openSecret(KEY, tampered, CONTEXT)).rejects.toBeInstanceOf(SecretBoxError);
    }
  });

  it("refuses malformed sealed values with an error that does not echo them", async () => {
    for (const bad of ["", "plain-secret", "v2.AAAA.BBBB", "v1.!!!.BBBB", "v1.AAAA", "v1.a.b.c"]) {
      const error = await openSecret(KEY, bad, CONTEXT).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretBoxError);
      if (bad.length > 4) expect((error as Error).message).not.toContain(bad);
    }
  });

  it("refuses a key that is not 32 bytes", async () => {
    await expect(sealSecret(btoa("short"), "x", CONTEXT)).rejects.toBeInstanceOf(SecretBoxError);
  });
});
