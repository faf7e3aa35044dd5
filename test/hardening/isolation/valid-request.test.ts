import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createRelease } from "../../releases/release-driver";
import { api } from "../../support/api";
import { type Operation, operations, usesBearer } from "../support/spec";
import { PATTERN_SEED, validRequest } from "../support/valid-request";
import { seedWorld, type World } from "../support/world";

// The builder's own check: every body it builds passes the API's validation
// when sent with credentials that may use the operation (the world's owner
// token, or the platform admin secret where the spec says adminToken). A 409
// (the world's state refuses it) is fine; 400, 415 and 422 mean the builder
// produced something the schema or the handler's validation refuses.
//
// The world's main release is rolled back, so most release writes answer 409
// before the handler looks at the body's meaning. Those get a second try
// against a release still in planning, where the handler reads the body.

let world: World;
let planningWorld: World;
beforeAll(async () => {
  world = await seedWorld();
  const planningRelease = await createRelease(world.agency, { risk: "low" });
  planningWorld = { ...world, byCollection: { ...world.byCollection, releases: planningRelease } };
});

const withBody = operations().filter((operation) => operation.requestBody !== undefined);

async function send(operation: Operation, target: World) {
  const request = validRequest(operation, { pathWorld: target, actor: "owner" });
  const token = usesBearer(operation) ? target.agency.tokens.owner : env.ADMIN_TOKEN;
  const form = request.headers["Content-Type"] === "application/x-www-form-urlencoded";
  const res = await api(request.url, {
    method: request.method,
    token,
    headers: request.headers,
    ...(request.body === undefined
      ? {}
      : form
        ? { rawBody: new URLSearchParams(request.body as Record<string, string>).toString() }
        : { body: request.body }),
  });
  return { request, res };
}

describe("valid-request builder", () => {
  it("builds the same request every time (deterministic)", () => {
    for (const operation of operations()) {
      expect(validRequest(operation, { pathWorld: world })).toEqual(
        validRequest(operation, { pathWorld: world }),
      );
    }
  });

  it("builds a body the API accepts for every operation with a request body", async () => {
    const failures: string[] = [];
    let accepted = 0;
    let retriedInPlanning = 0;
    // Deletes last, so the world still has what the other bodies name.
    const ordered = [...withBody].sort(
      (a, b) => Number(a.method === "delete") - Number(b.method === "delete"),
    );
    for (const operation of ordered) {
      let { request, res } = await send(operation, world);
      if (res.status === 409 && operation.path.includes("/releases/{id}")) {
        retriedInPlanning++;
        ({ request, res } = await send(operation, planningWorld));
      }
      // Applied, or refused for the release's state; anything else (400/415/422, a 401/403/404
      // from ids the builder got wrong, a 5xx) means the builder's body is not what the spec asks.
      if (!(res.status < 300 || res.status === 409)) {
        failures.push(
          `${operation.id} → ${res.status} ${res.text.slice(0, 400)}\n  body: ${JSON.stringify(request.body)}`,
        );
      } else if (res.status < 300) {
        accepted++;
      }
    }
    console.log(
      `[hardening] valid-request: ${withBody.length} operations with a request body; ${accepted} applied (2xx), ` +
        `${withBody.length - accepted - failures.length} refused for state (409), ${failures.length} refused as invalid; ` +
        `${retriedInPlanning} retried against a release in planning; pattern fallback seed ${PATTERN_SEED}`,
    );
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);
    expect(withBody.length).toBeGreaterThan(0);
  });
});
