// Opens the pages people reach without an account in a real browser (headless
// Chromium via playwright-core): a published release-notes page, a client's
// monthly report through its share link, and a client approving a release from
// its approval link on a phone-sized screen. Checks their content and
// accessibility basics and saves a screenshot of each. Starts its own stack like `npm run
// bench`: embedded PGlite (or DATABASE_URL), the WebSocket bridge, migrations
// and the real Worker.
//
//   node scripts/check-pages-in-browser.ts <screenshot directory>
//
// Needs `playwright-core` (a devDependency CI installs) and Chromium at
// CHROMIUM_PATH (default /usr/bin/chromium: `apt-get install -y chromium`).
// Exits non-zero when anything is off.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { unstable_startWorker } from "wrangler";
import { connectScriptDatabase, databaseTarget } from "./lib/database-connection.ts";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { applyMigrations } from "./lib/migrate.ts";
import { projectRoot } from "./lib/paths.ts";
import { callApi, seedAgency } from "./lib/seed-agency.ts";
import { startBridge } from "./lib/ws-bridge.ts";

// playwright-core is loaded by name so the project type-checks without it installed.
interface Page {
  goto(url: string): Promise<{ status(): number; headers(): Record<string, string> } | null>;
  title(): Promise<string>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  locator(selector: string): {
    count(): Promise<number>;
    first(): {
      textContent(): Promise<string | null>;
      getAttribute(name: string): Promise<string | null>;
      click(): Promise<void>;
    };
    allInnerTexts(): Promise<string[]>;
  };
  evaluate<T>(fn: () => T): Promise<T>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
  on(event: "request", listener: (request: { url(): string }) => void): void;
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
}

const HOST = "127.0.0.1";

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function ok(base: string, path: string, token: string, body?: unknown, method?: string) {
  const res = await callApi(base, path, { token, body, ...(method ? { method } : {}) });
  check(
    res.status >= 200 && res.status < 300,
    `${method ?? (body ? "POST" : "GET")} ${path} → ${res.status} ${res.text}`,
  );
  return res.body;
}

async function main() {
  const screenshots = process.argv[2];
  if (!screenshots) {
    console.error("usage: node scripts/check-pages-in-browser.ts <screenshot directory>");
    process.exit(2);
  }
  await mkdir(screenshots, { recursive: true });
  const screenshotPath = join(screenshots, "notes-page.png");
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
    if (embedded) cleanups.push(() => embedded.close());
    const databaseUrl = process.env.DATABASE_URL ?? embedded?.databaseUrl ?? "";
    const bridge = await startBridge({ host: HOST, allowedTargets: [databaseTarget(databaseUrl)] });
    cleanups.push(() => bridge.close());
    const migrator = await connectScriptDatabase(databaseUrl, bridge);
    await applyMigrations(migrator.pool);
    await migrator.pool.end();

    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const secret = (value: string) => ({ type: "secret_text" as const, value });
    const adminToken = `check-admin-${crypto.randomUUID()}-${crypto.randomUUID()}`;
    const worker = await unstable_startWorker({
      config: join(projectRoot, "wrangler.toml"),
      bindings: {
        DATABASE_URL: secret(databaseUrl),
        DB_WS_PROXY: secret(bridge.proxyAddress),
        JWT_SIGNING_KEY: secret(
          JSON.stringify({ ...(await exportJWK(privateKey)), kid: "check", alg: "ES256" }),
        ),
        ADMIN_TOKEN: secret(adminToken),
        DATA_ENCRYPTION_KEY: secret(
          Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
        ),
      },
      dev: { server: { hostname: HOST, port: 0 }, inspector: false, watch: false, logLevel: "error" },
    });
    cleanups.push(() => worker.dispose());
    await worker.ready;
    const base = (await worker.url).origin.replace("localhost", HOST);

    // An agency walks one release to communication and closure and publishes its notes.
    const agency = await seedAgency(base, adminToken, {
      slug: `notes-check-${Date.now().toString(36)}`,
      name: "Harbour Digital",
      emailDomain: "harbour-digital.example",
    });
    const { owner, release_manager: rm, engineer } = agency.tokens;
    const members = (await ok(base, "/v1/members?limit=50", owner)).items as { id: string; role: string }[];
    const idOf = (role: string) => members.find((m) => m.role === role)?.id;
    const version = "4.2.0";
    const release = await ok(base, "/v1/releases", rm, {
      project_id: agency.projectId,
      version,
      title: "Spring menu and online bookings",
      scope: "Menu page and booking form",
      change_log: [
        { summary: "Online table bookings", kind: "feature" },
        { summary: "Faster menu page", kind: "fix" },
      ],
      risk: "low",
    });
    const id = release.id as string;
    const r = (path: string) => `/v1/releases/${id}${path}`;
    await ok(
      base,
      r("/team"),
      rm,
      {
        release_manager_id: idOf("release_manager"),
        members: [{ member_id: idOf("engineer"), role: "engineer" }],
      },
      "PUT",
    );
    const now = Date.now();
    await ok(
      base,
      r("/window"),
      owner,
      {
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 2 * 3_600_000).toISOString(),
        override_reason: "Browser check: deploy now",
      },
      "PUT",
    );
    await ok(base, r("/transitions"), rm, { to: "pre_deployment_verification" });
    await ok(base, r("/test-results"), engineer, { stage: "staging", suite: "e2e", status: "passed" });
    for (const item of (await ok(base, r("/checklist"), rm)).items as { id: string; status: string }[]) {
      if (item.status === "open") await ok(base, r(`/checklist/${item.id}`), rm, { status: "done" }, "PATCH");
    }
    await ok(
      base,
      r("/rollback-procedure"),
      rm,
      { steps: [{ title: "Redeploy the previous build" }] },
      "PUT",
    );
    await ok(base, r("/decisions"), rm, { kind: "go_no_go", outcome: "go", rationale: "Staging green" });
    await ok(base, r("/deployment-log"), engineer, { kind: "deployment_started" });
    await ok(base, r("/deployment-log"), engineer, { kind: "deployment_completed" });
    await ok(base, r("/test-results"), engineer, { stage: "smoke", suite: "home", status: "passed" });
    await ok(base, r("/transitions"), rm, { to: "post_deployment_verification" });
    await ok(base, r("/test-results"), engineer, {
      stage: "verification",
      suite: "bookings",
      status: "passed",
    });
    await ok(base, r("/test-results"), engineer, { stage: "uat", suite: "client", status: "passed" });
    await ok(base, r("/monitoring-confirmation"), engineer, { note: "Error rate flat" });
    await ok(base, r("/decisions"), rm, {
      kind: "stability",
      outcome: "stable",
      rationale: "Metrics normal",
    });
    const markdown = [
      "## Highlights",
      "",
      "- Book a table online, any time",
      "- The menu page loads twice as fast",
      "- [See the new menu](https://harbour-cafe.example/menu)",
      "",
      "<script>document.title = 'injected'</script>",
    ].join("\n");
    await ok(base, r("/notes"), rm, { markdown }, "PUT");
    await ok(base, r("/notes/publish"), rm, {});

    // The page, in a real browser.
    const playwrightModule = "playwright-core";
    const { chromium } = (await import(playwrightModule)) as Playwright;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(base)) outside.push(request.url());
    });
    const url = `${base}/r/${agency.slug}/harbour-cafe-site/${version}`;
    const response = await page.goto(url);
    check(response?.status() === 200, `GET ${url} answered ${response?.status()}`);
    const title = await page.title();
    check(title === `Harbour Cafe website ${version} release notes`, `title is "${title}"`);
    check((await page.locator("h1").count()) === 1, "exactly one h1");
    const h1 = (await page.locator("h1").first().textContent())?.trim();
    check(h1 === `Harbour Cafe website ${version}`, `h1 is "${h1}"`);
    check((await page.locator("html").first().getAttribute("lang")) === "en-AU", "html lang is en-AU");
    const items = await page.locator("article li").allInnerTexts();
    for (const expected of [
      "Book a table online, any time",
      "The menu page loads twice as fast",
      "feature: Online table bookings",
    ]) {
      check(items.includes(expected), `list item "${expected}" (got ${JSON.stringify(items)})`);
    }
    const link = await page.locator('article a[href="https://harbour-cafe.example/menu"]').count();
    check(link === 1, "the menu link is rendered");
    check((await page.locator("script").count()) === 0, "no script element");
    const articleText = (await page.locator("article").first().textContent()) ?? "";
    check(articleText.includes("<script>"), "the script tag in the notes is shown as text");
    check((await page.title()) !== "injected", "nothing in the notes ran");
    check((await page.locator('a[href="feed.atom"]').count()) === 1, "a link to the Atom feed");
    check(outside.length === 0, `no request left the Worker: ${outside.join(", ")}`);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    console.log(`release notes page OK: ${url}; screenshot at ${screenshotPath}`);

    // The same release in its client's monthly report, through a share link.
    const month = (await ok(base, `/v1/clients/${agency.clientId}/report`, owner)).month as string;
    const shared = await ok(base, `/v1/clients/${agency.clientId}/report-links`, rm, { month });
    const reportUrl = `${base}${new URL(shared.url as string).pathname}`;
    const reportResponse = await page.goto(reportUrl);
    check(reportResponse?.status() === 200, `the report link answered ${reportResponse?.status()}`);
    check(
      (await page.locator("html").first().getAttribute("lang")) === "en-AU",
      "report: html lang is en-AU",
    );
    const reportH1 = (await page.locator("h1").first().textContent())?.trim() ?? "";
    check(reportH1.startsWith("Harbour Cafe: releases in "), `report h1 is "${reportH1}"`);
    const rows = await page.locator("table tbody tr").allInnerTexts();
    check(
      rows.some((row) => row.includes(version) && row.includes("Spring menu and online bookings")),
      `the deployed release is listed (got ${JSON.stringify(rows)})`,
    );
    check((await page.locator('svg[role="img"]').count()) === 1, "one chart, exposed as an image");
    const chartTitle = (await page.locator("svg title").first().textContent()) ?? "";
    check(chartTitle.startsWith("Delivery for Harbour Cafe"), `the chart has a title ("${chartTitle}")`);
    check((await page.locator("svg desc").count()) === 1, "the chart has a description");
    const deployments = await page.locator("dl.figures dd").allInnerTexts();
    check(deployments[0] === "1", `one deployment in the figures (got ${JSON.stringify(deployments)})`);
    check((await page.locator("script").count()) === 0, "report: no script element");
    check(outside.length === 0, `report: no request left the Worker: ${outside.join(", ")}`);
    const reportShot = join(screenshots, "report-page.png");
    await page.screenshot({ path: reportShot, fullPage: true });
    console.log(`client report page OK; screenshot at ${reportShot}`);

    // A client approves a release from the link in their email, on a phone, without an account.
    const next = await ok(base, "/v1/releases", rm, {
      project_id: agency.projectId,
      version: "4.3.0",
      title: "Winter menu & gift vouchers",
      scope: "Menu page and voucher checkout",
      change_log: [{ summary: "Gift vouchers at checkout", kind: "feature" }],
      risk: "low",
    });
    const n = (path: string) => `/v1/releases/${next.id}${path}`;
    await ok(
      base,
      n("/team"),
      rm,
      {
        release_manager_id: idOf("release_manager"),
        members: [{ member_id: idOf("engineer"), role: "engineer" }],
      },
      "PUT",
    );
    await ok(
      base,
      n("/window"),
      owner,
      {
        starts_at: new Date(now + 86_400_000).toISOString(),
        ends_at: new Date(now + 86_400_000 + 3_600_000).toISOString(),
        override_reason: "Browser check: tomorrow",
      },
      "PUT",
    );
    await ok(base, n("/transitions"), rm, { to: "pre_deployment_verification" });
    await ok(base, n("/test-results"), engineer, { stage: "staging", suite: "checkout", status: "passed" });
    const contact = await ok(base, "/v1/contacts", owner, {
      name: "Casey Client",
      email: "casey@harbour-cafe.example",
      role: "Marketing manager",
      client_id: agency.clientId,
    });
    const asked = await ok(base, n("/approval-requests"), rm, {
      contact_id: contact.id,
      kind: "sign_off",
      message: "Please check the voucher checkout on your phone.",
    });
    const approvalUrl = `${base}${new URL(asked.url as string).pathname}`;
    await page.setViewportSize({ width: 390, height: 844 });
    const approvalResponse = await page.goto(approvalUrl);
    check(approvalResponse?.status() === 200, `the approval link answered ${approvalResponse?.status()}`);
    const csp = approvalResponse?.headers()["content-security-policy"] ?? "";
    check(
      csp.includes("default-src 'none'") && csp.includes("form-action 'self'"),
      `approval: strict CSP (${csp})`,
    );
    check(
      (await page.locator("html").first().getAttribute("lang")) === "en-AU",
      "approval: html lang is en-AU",
    );
    const approvalH1 = (await page.locator("h1").first().textContent())?.trim() ?? "";
    check(approvalH1 === "Approve Harbour Cafe website 4.3.0 for release?", `approval h1 is "${approvalH1}"`);
    const approvalText = (await page.locator("main").first().textContent()) ?? "";
    for (const expected of [
      "Winter menu & gift vouchers",
      "Gift vouchers at checkout",
      "Please check the voucher checkout on your phone.",
      "Staging: 1 passed",
    ]) {
      check(approvalText.includes(expected), `approval page shows "${expected}"`);
    }
    check(/AEDT|AEST/.test(approvalText), "approval: the window in the client's local time");
    const wide = await page.evaluate(() => {
      // Runs in the page: its globals, typed here without the DOM library.
      const view = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return view.document.documentElement.scrollWidth > view.innerWidth;
    });
    check(!wide, "approval: fits a phone's width without scrolling sideways");
    check((await page.locator("script").count()) === 0, "approval: no script element");
    const approvalShot = join(screenshots, "approval-page.png");
    await page.screenshot({ path: approvalShot, fullPage: true });
    await page.fill("#note", "Vouchers work on my phone.");
    await page.locator('button[value="approved"]').first().click();
    const status = (await page.locator('[role="status"]').first().textContent()) ?? "";
    check(status.includes("Your answer is recorded: Approved"), `after approve: "${status}"`);
    const answeredShot = join(screenshots, "approval-answered.png");
    await page.screenshot({ path: answeredShot, fullPage: true });
    check(outside.length === 0, `approval: no request left the Worker: ${outside.join(", ")}`);
    const signOffs = (await ok(base, n("/sign-offs"), owner)).items as {
      contact_id: string;
      decision: string;
      note: string;
    }[];
    check(
      signOffs.some(
        (s) =>
          s.contact_id === contact.id && s.decision === "approved" && s.note === "Vouchers work on my phone.",
      ),
      `the click recorded the contact's sign-off (got ${JSON.stringify(signOffs)})`,
    );
    const reopened = await page.goto(approvalUrl);
    check(reopened?.status() === 200, "approval: the used link still opens");
    check((await page.locator("form").count()) === 0, "approval: a used link offers no form");
    console.log(`client approval page OK; screenshots at ${approvalShot} and ${answeredShot}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
