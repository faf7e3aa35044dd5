// npm run test:start — runs `npm start` as a new user would and checks that the local product is
// the product: optional settings from the environment reach the Worker, the cron fires on its
// own every minute, email is caught by the local inbox, a webhook endpoint on this machine gets
// signed events, and nothing prints a stack trace.
// Run by CI; needs nothing running (it uses the embedded database in .data/).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { freePort } from "./lib/embedded-postgres.ts";
import { devTokensFile, projectRoot } from "./lib/paths.ts";
import { startWebhookReceiver } from "./lib/webhook-receiver.ts";

const port = await freePort("127.0.0.1");
const publicBaseUrl = "https://releases.agency.example";
const api = `http://127.0.0.1:${port}`;
const problems: string[] = [];
let output = "";

const child = spawn(process.execPath, [join(projectRoot, "scripts", "dev.ts")], {
  cwd: projectRoot,
  env: { ...process.env, PORT: String(port), PUBLIC_BASE_URL: publicBaseUrl, TOKEN_TTL_DAYS: "7" },
  stdio: ["ignore", "pipe", "pipe"],
});
child.stdout.on("data", (chunk: Buffer) => {
  output += chunk.toString("utf8");
});
child.stderr.on("data", (chunk: Buffer) => {
  output += chunk.toString("utf8");
});
const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? 1)));

async function waitFor(what: string, test: () => boolean, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  problems.push(`${what}: not seen within ${seconds} s`);
  return false;
}

async function call(path: string, token: string, body?: unknown) {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

try {
  if (await waitFor("the welcome (Ctrl-C stops everything)", () => output.includes("Ctrl-C stops"), 180)) {
    const ready = output.length;
    const owner = JSON.parse(readFileSync(devTokensFile, "utf8")).tokens.owner as string;

    // TOKEN_TTL_DAYS=7 from the environment: a new token lives 7 days, not the default 90.
    const members = await call("/v1/members", owner);
    const ownerId =
      (members.body.items as { id: string; role: string }[] | undefined)?.find((m) => m.role === "owner")
        ?.id ?? "";
    const token = await call("/v1/tokens", owner, { member_id: ownerId });
    const days = (Date.parse(String(token.body.expires_at)) - Date.now()) / 86_400_000;
    if (token.status !== 201 || days < 6.9 || days > 7.1)
      problems.push(
        `TOKEN_TTL_DAYS did not reach the Worker: token ${token.status}, ${days.toFixed(2)} days`,
      );

    // PUBLIC_BASE_URL from the environment: links are built from it, not from the request's host.
    const projects = await call("/v1/projects", owner);
    const projectId = (projects.body.items as { id: string }[] | undefined)?.[0]?.id ?? "";
    const integration = await call("/v1/integrations", owner, {
      provider: "github",
      name: `start check ${Date.now()}`,
      project_ids: [projectId],
    });
    if (!String(integration.body.receiver_url).startsWith(`${publicBaseUrl}/hooks/`))
      problems.push(
        `PUBLIC_BASE_URL did not reach the Worker: receiver_url ${integration.body.receiver_url}`,
      );

    // The document generated at build time is served (a static asset) and its page renders.
    for (const path of ["/openapi.json", "/docs"]) {
      const page = await fetch(`${api}${path}`);
      const text = await page.text();
      if (!page.ok || !text.includes("/v1/webhook-endpoints"))
        problems.push(`${path} did not answer with the API reference: ${page.status}`);
    }

    // The local inbox answers, and the Worker sends to it (GET /v1/notifications says email is on).
    const inboxUrl = /caught locally: (http:\/\/\S+)/.exec(output)?.[1];
    const inbox = inboxUrl ? await fetch(inboxUrl) : undefined;
    if (!inbox?.ok || !(await inbox.text()).includes("Local inbox"))
      problems.push(`the local inbox did not answer at ${inboxUrl}`);

    // The CLI a new user builds (`npm run client:build`, CI does) works against npm start.
    const cli = join(projectRoot, "clients", "typescript", "dist", "bin.js");
    if (existsSync(cli)) {
      const env = { ...process.env, RELEASE_PILOT_URL: api, RELEASE_PILOT_TOKEN: owner };
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8" });
      const version = `9.${Date.now() % 100000}.0`;
      const created = run(
        "releases",
        "create",
        "--project",
        projectId,
        "--version",
        version,
        "--title",
        "Start check",
        "--risk",
        "low",
        "--json",
      );
      const listed = run("releases", "list", "--project", projectId);
      if (
        created.status !== 0 ||
        JSON.parse(created.stdout || "{}").version !== version ||
        !listed.stdout.includes(version)
      )
        problems.push(`the CLI did not work against npm start: ${created.stderr}${listed.stderr}`);
    } else {
      console.log("npm start check: the CLI is not built (npm run client:build), so it was not tried");
    }

    // A webhook endpoint on this machine (WEBHOOKS_ALLOW_LOOPBACK, which npm start sets) gets a
    // signed test event, verified with the standardwebhooks library as a receiver would.
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await call("/v1/webhook-endpoints", owner, {
        url: `${receiver.url}/r/start-check`,
        events: ["release.created"],
      });
      const test = await call(`/v1/webhook-endpoints/${endpoint.body.id}/test`, owner, {});
      const [delivery] = (await (await fetch(`${receiver.url}/__received/start-check`)).json()) as {
        headers: Record<string, string>;
        body: string;
      }[];
      const payload = delivery
        ? (new Webhook(String(endpoint.body.secret)).verify(delivery.body, delivery.headers) as {
            type?: string;
          })
        : undefined;
      if (endpoint.status !== 201 || test.body.status !== "delivered" || payload?.type !== "webhook.test")
        problems.push(
          `webhook endpoints did not work against npm start: ${endpoint.status} ${JSON.stringify(test.body)}`,
        );
    } finally {
      await receiver.close();
    }

    // The cron fires by itself at the next minute.
    await waitFor(
      "a cron tick after start-up",
      () => output.slice(ready).includes('"event":"cron_tick"'),
      75,
    );
  }
} finally {
  child.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 15_000))]);
  if (code === -1) {
    child.kill("SIGKILL");
    problems.push("npm start did not stop within 15 s of SIGTERM");
  }
}

// Stack frames look like "    at fn (file:line:col)"; none may appear in a clean start.
const stackLines = output.split("\n").filter((line) => /^\s+at\s.+:\d+:\d+\)?$/.test(line));
if (stackLines.length > 0) problems.push(`stack traces printed:\n${stackLines.slice(0, 5).join("\n")}`);

if (problems.length > 0) {
  console.log(output.replace(/eyJ[\w.-]+/g, "[token]"));
  console.error(`npm start check: FAILED\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(
  "npm start check: settings reach the Worker, the cron fires every minute, email goes to the local inbox, the CLI works, a local webhook endpoint gets a signed test event, no stack traces",
);
