// The receiver keeps an integration's decrypted secrets in its isolate, so a delivery is verified
// and claimed in one statement. A change made elsewhere (another isolate, another Worker instance:
// here a direct update, which this isolate's copy never hears of) still takes effect at once,
// because the claim holds only while the row is as the copy was taken.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { sealIntegrationSecret } from "../../src/integrations/secrets";
import { type SeededAgency, seedAgency } from "../support/harness";
import { systemQuery } from "../windows/support";
import { createHook, type Hook, randomSha, send, testMessage } from "./ci-driver";

let agency: SeededAgency;

beforeAll(async () => {
  agency = await seedAgency();
});

async function cachedHook(): Promise<Hook> {
  const hook = await createHook(agency, "github", [agency.projectId]);
  // The first delivery reads the integration and leaves this isolate a copy of it.
  const first = await send(hook, testMessage("github", "Staging tests", "passed", randomSha()));
  expect(first.status, first.text).toBe(202);
  return hook;
}

describe("the receiver's cached integration never outlives a change made elsewhere", () => {
  it("disabled elsewhere: the next delivery is 404 and nothing is recorded for it", async () => {
    const hook = await cachedHook();
    await systemQuery(sql`update integrations set disabled_at = now() where id = ${hook.id}`);
    const refused = await send(hook, testMessage("github", "Staging tests", "passed", randomSha()), {
      deliveryId: "after-disabling",
    });
    expect(refused.status, refused.text).toBe(404);
    const rows = await systemQuery<{ n: number }>(sql`
      select count(*)::int as n from webhook_deliveries
      where integration_id = ${hook.id} and delivery_id = 'after-disabling'`);
    expect(rows[0]?.n).toBe(0);
  });

  it("secret rotated elsewhere: the old secret is refused at once, the new one accepted", async () => {
    const hook = await cachedHook();
    const newSecret = `rotated-elsewhere-${crypto.randomUUID()}`;
    const sealed = await sealIntegrationSecret(env.DATA_ENCRYPTION_KEY, hook.id, "current", newSecret);
    await systemQuery(sql`
      update integrations set secret_ciphertext = ${sealed}, previous_secret_ciphertext = null,
        previous_secret_expires_at = null
      where id = ${hook.id}`);

    const old = await send(hook, testMessage("github", "Staging tests", "passed", randomSha()));
    expect(old.status, old.text).toBe(401);
    const fresh = await send(hook, testMessage("github", "Staging tests", "passed", randomSha()), {
      secret: newSecret,
    });
    expect(fresh.status, fresh.text).toBe(202);
  });

  it("stage map changed elsewhere: the next delivery is read with the new map", async () => {
    const hook = await cachedHook();
    await systemQuery(sql`update integrations set stage_map = '{}'::jsonb where id = ${hook.id}`);
    const unmapped = await send(hook, testMessage("github", "Staging tests", "passed", randomSha()));
    expect(unmapped.status, unmapped.text).toBe(202);
    expect(unmapped.body.outcome).toBe("ignored");
  });
});
