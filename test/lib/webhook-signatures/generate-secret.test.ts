import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  verifyDelivery,
  WEBHOOK_PROVIDERS,
} from "../../../src/lib/webhook-signatures";
import {
  bitbucketHeaders,
  bodyBytes,
  circleCiHeaders,
  githubHeaders,
  gitlabTokenHeaders,
  NOW_SECONDS,
  standardWebhooksHeaders,
} from "../../fixtures/ci/sign-delivery";

describe("generateWebhookSecret", () => {
  it.each(["standard", "gitlab"] as const)("%s: whsec_ followed by base64 of 32 bytes", (provider) => {
    const secret = generateWebhookSecret(provider);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice("whsec_".length))).toHaveLength(32);
  });

  it.each(["github", "bitbucket", "circleci"] as const)("%s: 64 lower-case hex characters", (provider) => {
    expect(generateWebhookSecret(provider)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("never repeats", () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateWebhookSecret("standard")));
    expect(secrets.size).toBe(200);
  });

  it("produces secrets the matching verifier accepts, for every provider and GitLab form", async () => {
    const body = bodyBytes({ id: "evt-1", type: "workflow-completed" });
    for (const provider of WEBHOOK_PROVIDERS) {
      const secret = generateWebhookSecret(provider);
      const headerSets: Headers[] = {
        github: [await githubHeaders(secret, body)],
        bitbucket: [await bitbucketHeaders(secret, body)],
        circleci: [await circleCiHeaders(secret, body)],
        gitlab: [
          gitlabTokenHeaders(secret),
          await standardWebhooksHeaders(secret, body, { extra: { "X-Gitlab-Event": "Job Hook" } }),
        ],
        standard: [await standardWebhooksHeaders(secret, body)],
      }[provider];
      for (const headers of headerSets) {
        expect(await verifyDelivery(provider, headers, body, [secret], NOW_SECONDS), provider).toMatchObject({
          ok: true,
        });
      }
    }
  });
});
