// A local stand-in for the Resend API, started by the tests' global setup and by
// `npm start` (where it catches the email the API sends, so nothing leaves the
// machine). The real `resend` SDK talks to it through `new Resend(key, { baseUrl })`. It records every
// request, honours Idempotency-Key like Resend (the same key returns the first
// answer and delivers nothing new), and can be told to fail with 500s or to hang
// for the next requests to one address, so retry tests stay independent of other
// suites running at the same time.
//
//   POST /emails                       send (Authorization: Bearer <key> required)
//   GET  /__fake/requests?to=<addr>    { requests, deliveries } (filtered by recipient)
//   POST /__fake/fail  {to, count}     the next <count> sends to <to> answer 500
//   POST /__fake/hang  {to, count}     the next <count> sends to <to> are delivered but never answered
//   POST /__fake/reset                 forget everything
//   GET  /                             an inbox page: every delivered message, newest first
//   GET  /messages/<id>                one message's HTML as sent; /messages/<id>.txt its text
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  at: string;
  answered: number | "hung";
}

export interface Delivery {
  id: string;
  idempotency_key: string | null;
  to: string[];
  from: string;
  /** Resend's `reply_to`, as sent (a string or a list); null when the message had none. */
  reply_to: string | string[] | null;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  at: string;
}

export interface FakeResend {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The messages are the API's own output, but they quote agency text: shown with nothing allowed
// to run or load.
const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
};

function inboxPage(deliveries: Delivery[]): string {
  const rows = deliveries
    .slice()
    .reverse()
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.at)}</td><td>${escapeHtml(d.to.join(", "))}</td><td><a href="/messages/${d.id}">${escapeHtml(d.subject)}</a></td><td><a href="/messages/${d.id}.txt">text</a></td><td>${escapeHtml(d.headers["List-Unsubscribe"] ?? "")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en-AU"><meta charset="utf-8"><title>Local inbox</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .6rem;text-align:left;border-bottom:1px solid #ddd}</style>
<h1>Local inbox</h1><p>Email the API sent while running locally (${deliveries.length}); nothing left this machine. Reload for new messages.</p>
<table><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th><th></th><th>List-Unsubscribe</th></tr>${rows}</table></html>`;
}

export async function startFakeResend(
  apiKey = `re_test_${crypto.randomUUID()}`,
  listen: { host?: string; port?: number } = {},
): Promise<FakeResend> {
  let requests: RecordedRequest[] = [];
  let deliveries: Delivery[] = [];
  let byKey = new Map<string, Delivery>();
  let failures = new Map<string, number>();
  let hangs = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const takeOne = (map: Map<string, number>, to: string[]) => {
    for (const address of to) {
      const left = map.get(address.toLowerCase()) ?? 0;
      if (left > 0) {
        map.set(address.toLowerCase(), left - 1);
        return true;
      }
    }
    return false;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the text
    }
    if (url.pathname.startsWith("/__fake/")) {
      const control = (body ?? {}) as { to?: string; count?: number };
      if (url.pathname === "/__fake/requests") {
        const to = url.searchParams.get("to")?.toLowerCase();
        const matches = (list: string[]) => !to || list.some((address) => address.toLowerCase() === to);
        return json(res, 200, {
          requests: requests.filter((r) => matches(((r.body as { to?: string[] })?.to ?? []) as string[])),
          deliveries: deliveries.filter((d) => matches(d.to)),
        });
      }
      if (url.pathname === "/__fake/fail" && control.to) {
        failures.set(control.to.toLowerCase(), control.count ?? 1);
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/__fake/hang" && control.to) {
        hangs.set(control.to.toLowerCase(), control.count ?? 1);
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/__fake/reset") {
        requests = [];
        deliveries = [];
        byKey = new Map();
        failures = new Map();
        hangs = new Map();
        return json(res, 200, { ok: true });
      }
      return json(res, 404, { message: "unknown control endpoint" });
    }

    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, PAGE_HEADERS);
      return res.end(inboxPage(deliveries));
    }
    const shown = /^\/messages\/([0-9a-f-]{36})(\.txt)?$/.exec(url.pathname);
    if (req.method === "GET" && shown) {
      const delivery = deliveries.find((d) => d.id === shown[1]);
      if (!delivery) return json(res, 404, { message: "no such message" });
      if (shown[2]) {
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        return res.end(delivery.text);
      }
      res.writeHead(200, PAGE_HEADERS);
      return res.end(delivery.html);
    }

    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(", ") : (value ?? ""),
        ]),
      ),
      body,
      at: new Date().toISOString(),
      answered: 0,
    };
    requests.push(record);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      record.answered = 401;
      return json(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    }
    if (req.method !== "POST" || url.pathname !== "/emails") {
      record.answered = 404;
      return json(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
    }
    const email = body as Partial<Delivery> & { to?: string[] | string };
    const to = Array.isArray(email.to) ? email.to : email.to ? [email.to] : [];
    if (takeOne(failures, to)) {
      record.answered = 500;
      return json(res, 500, { statusCode: 500, name: "internal_server_error", message: "Try again" });
    }
    const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
    const existing = key ? byKey.get(key) : undefined;
    const delivery: Delivery = existing ?? {
      id: crypto.randomUUID(),
      idempotency_key: key,
      to,
      from: String(email.from ?? ""),
      reply_to: (email.reply_to as string | string[] | undefined) ?? null,
      subject: String(email.subject ?? ""),
      text: String(email.text ?? ""),
      html: String(email.html ?? ""),
      headers: (email.headers as Record<string, string>) ?? {},
      at: new Date().toISOString(),
    };
    if (!existing) {
      deliveries.push(delivery);
      if (key) byKey.set(key, delivery);
    }
    if (takeOne(hangs, to)) {
      // Delivered, as Resend may have done, but the answer never arrives: the caller times out.
      record.answered = "hung";
      hanging.add(res);
      return;
    }
    record.answered = 200;
    return json(res, 200, { id: delivery.id });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
