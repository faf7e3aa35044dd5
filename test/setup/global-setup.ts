// Runs in Node before the suites: brings up the database the Worker will talk
// to, exactly as `npm start` does, and hands its address to the workerd pool.
import { exportJWK, generateKeyPair } from "jose";
import type { TestProject } from "vitest/node";
import { connectScriptDatabase, databaseTarget } from "../../scripts/lib/database-connection.ts";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { startFakeResend } from "../../scripts/lib/fake-resend.ts";
import { applyMigrations } from "../../scripts/lib/migrate.ts";
import { startWebhookReceiver } from "../../scripts/lib/webhook-receiver.ts";
import { startBridge } from "../../scripts/lib/ws-bridge.ts";

async function privateJwk(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: "ES256" });
}

export default async function setup(project: TestProject) {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? embedded?.databaseUrl ?? "";
  // Fault control lets the hardening suite cut a connection mid-transaction (scripts/lib/ws-bridge.ts).
  const bridge = await startBridge({ allowedTargets: [databaseTarget(databaseUrl)], faultControl: true });
  const database = await connectScriptDatabase(databaseUrl, bridge);
  await applyMigrations(database.pool);
  await database.pool.end();

  // A current key, a previous key still accepted during rotation, and a
  // foreign key the API has never seen (tokens signed with it must fail).
  const current = await privateJwk("test-current");
  const previous = JSON.parse(await privateJwk("test-previous")) as Record<string, unknown>;
  const { d: _secret, ...previousPublic } = previous;

  console.log(
    `tests use ${embedded ? "embedded PGlite" : "DATABASE_URL"} through the bridge at ${bridge.proxyAddress}`,
  );
  project.provide("databaseUrl", databaseUrl);
  project.provide("dbWsProxy", bridge.proxyAddress);
  // The bridge's stand-in for Neon's HTTP SQL endpoint (DB_TRANSPORT=http). The suites' Worker reads
  // over WebSockets unless DB_TRANSPORT=http is set when the tests start.
  project.provide("dbHttpEndpoint", bridge.sqlEndpoint);
  project.provide("dbTransport", process.env.DB_TRANSPORT ?? "");
  project.provide("bridgeFaultControlUrl", bridge.faultControlUrl ?? "");
  project.provide("jwtSigningKey", current);
  project.provide("jwtVerifyKeys", JSON.stringify([previousPublic]));
  project.provide("jwtPreviousPrivateKey", JSON.stringify(previous));
  project.provide("jwtForeignKey", await privateJwk("test-current"));
  project.provide(
    "dataEncryptionKey",
    Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
  );
  project.provide("adminToken", `admin-${crypto.randomUUID()}-${crypto.randomUUID()}`);

  // Email goes through the real resend SDK to a local fake that records every request.
  const resend = await startFakeResend();
  project.provide("resendBaseUrl", resend.url);
  project.provide("resendApiKey", resend.apiKey);
  project.provide(
    "resendWebhookSecret",
    `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`,
  );

  // Release events go to a local receiver standing in for Slack, Teams and agencies' own endpoints.
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);

  return async () => {
    await receiver.close();
    await resend.close();
    await bridge.close();
    await embedded?.close();
  };
}
