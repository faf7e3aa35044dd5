// A delivery verified with the receiver's cached copy of its integration is claimed by the
// integration's DeliveryIntake object, on a Postgres connection the object keeps between
// deliveries, so a CI system's 202 waits for one round trip and no connection start-up.
// (With DB_TRANSPORT=http the claim is one HTTPS request instead: test/platform/http-transport.test.ts.)
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type SeededAgency, seedAgency } from "../support/harness";
import { systemQuery } from "../windows/support";
import { createHook, type Hook, randomSha, send, settled, testMessage } from "./ci-driver";

let agency: SeededAgency;

beforeAll(async () => {
  agency = await seedAgency();
});

const intakeOf = (hook: Hook) => env.DELIVERY_INTAKE.get(env.DELIVERY_INTAKE.idFromName(hook.id));

const passed = () => testMessage("github", "Staging tests", "passed", randomSha());

async function recorded(hook: Hook, deliveryId: string) {
  return systemQuery<{ outcome: string; waiting: boolean }>(sql`
    select outcome, pending_job is not null as waiting from webhook_deliveries
    where integration_id = ${hook.id} and delivery_id = ${deliveryId}`);
}

describe.skipIf(env.DB_TRANSPORT === "http")("the integration's intake object", () => {
  it("claims the deliveries after the first, and keeps its connection open between them", async () => {
    const hook = await createHook(agency, "github", [agency.projectId]);
    // The first delivery reads the integration afresh, on the request's own connection.
    const first = await send(hook, passed());
    expect(first.status, first.text).toBe(202);
    expect(await intakeOf(hook).holdsConnection()).toBe(false);

    for (const deliveryId of ["intake-1", "intake-2", "intake-3"]) {
      const next = await send(hook, passed(), { deliveryId });
      expect(next.status, next.text).toBe(202);
      expect(next.body).toMatchObject({ delivery_id: deliveryId, outcome: "received" });
      // Still open once the 202 is out: the next delivery pays no connection start-up. Asked
      // straight after the 202, before anything else, so the object's idle close cannot race it.
      expect(await intakeOf(hook).holdsConnection()).toBe(true);
      expect(await recorded(hook, deliveryId)).toHaveLength(1);
    }
  });

  it("claims a delivery id once: the redelivery takes the full path and is answered as one", async () => {
    const hook = await createHook(agency, "github", [agency.projectId]);
    await send(hook, passed());
    const message = passed();
    const claimed = await send(hook, message, { deliveryId: "intake-redelivered" });
    expect(claimed.status, claimed.text).toBe(202);
    const again = await send(hook, message, { deliveryId: "intake-redelivered" });
    expect(again.status, again.text).toBe(200);
    expect(again.body.outcome).toBe("duplicate");
    expect(await recorded(hook, "intake-redelivered")).toHaveLength(1);
  });

  it("reset between deliveries (a deploy, the runtime moving it), it loses nothing and claims the next", async () => {
    const hook = await createHook(agency, "github", [agency.projectId]);
    await send(hook, passed());
    expect((await send(hook, passed(), { deliveryId: "before-reset" })).status).toBe(202);
    await runInDurableObject(intakeOf(hook), (_instance, state) => {
      state.abort("test: intake reset");
    }).catch(() => undefined);

    const after = await send(hook, passed(), { deliveryId: "after-reset" });
    expect(after.status, after.text).toBe(202);
    expect(await intakeOf(hook).holdsConnection()).toBe(true);
    // Both were processed after their 202: no release carries their commits, so both end unmatched,
    // recorded once, with nothing left waiting.
    for (const deliveryId of ["before-reset", "after-reset"]) {
      expect((await settled(agency, hook, deliveryId)).outcome).toBe("unmatched");
      expect(await recorded(hook, deliveryId)).toEqual([{ outcome: "unmatched", waiting: false }]);
    }
  });
});
