import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyDelivery, type WebhookProvider } from "../../../src/lib/webhook-signatures";
import { bitbucketCommitStatusUpdated } from "../../fixtures/ci/bitbucket-payloads";
import { circleciWorkflowCompleted } from "../../fixtures/ci/circleci-payloads";
import { githubWorkflowRunCompleted } from "../../fixtures/ci/github-payloads";
import { gitlabPipelineHook } from "../../fixtures/ci/gitlab-payloads";
import {
  bitbucketHeaders,
  bodyBytes,
  circleCiHeaders,
  githubHeaders,
  NOW_SECONDS,
  standardWebhooksHeaders,
} from "../../fixtures/ci/sign-delivery";
import { standardTestResultBody } from "../../fixtures/ci/standard-bodies";

const HEX_SECRET = "6512bd43d9caa6e02c990b0a82652dca";
const WHSEC_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

interface SignedCase {
  provider: WebhookProvider;
  secret: string;
  body: Uint8Array;
  headers: Headers;
}

async function signedCases(): Promise<SignedCase[]> {
  const github = bodyBytes(githubWorkflowRunCompleted);
  const bitbucket = bodyBytes(bitbucketCommitStatusUpdated);
  const circleci = bodyBytes(circleciWorkflowCompleted);
  const gitlab = bodyBytes(gitlabPipelineHook);
  const standard = bodyBytes(standardTestResultBody);
  return [
    {
      provider: "github",
      secret: HEX_SECRET,
      body: github,
      headers: await githubHeaders(HEX_SECRET, github),
    },
    {
      provider: "bitbucket",
      secret: HEX_SECRET,
      body: bitbucket,
      headers: await bitbucketHeaders(HEX_SECRET, bitbucket),
    },
    {
      provider: "circleci",
      secret: HEX_SECRET,
      body: circleci,
      headers: await circleCiHeaders(HEX_SECRET, circleci),
    },
    {
      provider: "gitlab",
      secret: WHSEC_SECRET,
      body: gitlab,
      headers: await standardWebhooksHeaders(WHSEC_SECRET, gitlab, {
        extra: { "X-Gitlab-Event": "Pipeline Hook" },
      }),
    },
    {
      provider: "standard",
      secret: WHSEC_SECRET,
      body: standard,
      headers: await standardWebhooksHeaders(WHSEC_SECRET, standard),
    },
  ];
}

describe("any single-byte change to a signed body fails verification", async () => {
  const cases = await signedCases();

  it.each(cases)(
    "$provider: the untouched body verifies (control)",
    async ({ provider, secret, body, headers }) => {
      expect(await verifyDelivery(provider, headers, body, [secret], NOW_SECONDS)).toMatchObject({
        ok: true,
      });
    },
  );

  it.each(cases)(
    "$provider: flipped bits anywhere are rejected",
    async ({ provider, secret, body, headers }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: body.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          async (index, mask) => {
            const flipped = body.slice();
            flipped[index] = (flipped[index] ?? 0) ^ mask;
            const result = await verifyDelivery(provider, headers, flipped, [secret], NOW_SECONDS);
            expect(result).toEqual({ ok: false, reason: "bad_signature" });
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it.each(cases)(
    "$provider: appending or dropping bytes is rejected",
    async ({ provider, secret, body, headers }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 16 }),
          fc.boolean(),
          async (extra, append) => {
            const changed = append
              ? new Uint8Array([...body, ...extra])
              : body.slice(0, body.length - extra.length);
            const result = await verifyDelivery(provider, headers, changed, [secret], NOW_SECONDS);
            expect(result).toEqual({ ok: false, reason: "bad_signature" });
          },
        ),
        { numRuns: 50 },
      );
    },
  );
});
