// A local stand-in for the places agencies point their webhook endpoints at (their own receiver, a
// Slack or Teams incoming webhook), started by the tests' global setup. It records every request
// as received (headers and the raw body, so a test can verify the signature with a third-party
// library) and answers 200 unless told otherwise, per named receiver, so suites stay independent.
//
//   POST /r/<name>                      a delivery: recorded, answered with the next scripted status (default 200)
//   GET  /__received/<name>             [{ headers, body, at }] in arrival order
//   POST /__script/<name> {statuses}    the next deliveries to <name> answer these statuses in turn
//   POST /__script/<name> {hang: n}     the next n deliveries are never answered (the sender times out)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  at: string;
}

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startWebhookReceiver(host = "127.0.0.1"): Promise<WebhookReceiver> {
  const received = new Map<string, ReceivedRequest[]>();
  const scripted = new Map<string, number[]>();
  const hanging = new Map<string, number>();
  const held: ServerResponse[] = [];

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const [, kind, name = ""] = url.pathname.split("/");
    const body = await readBody(request);
    if (kind === "r" && request.method === "POST") {
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
      );
      received.set(name, [...(received.get(name) ?? []), { headers, body, at: new Date().toISOString() }]);
      const hang = hanging.get(name) ?? 0;
      if (hang > 0) {
        hanging.set(name, hang - 1);
        held.push(response);
        return;
      }
      const status = scripted.get(name)?.shift() ?? 200;
      return json(response, status, { ok: status < 300 });
    }
    if (kind === "__received" && request.method === "GET")
      return json(response, 200, received.get(name) ?? []);
    if (kind === "__script" && request.method === "POST") {
      const script = JSON.parse(body || "{}") as { statuses?: number[]; hang?: number };
      if (script.statuses) scripted.set(name, [...(scripted.get(name) ?? []), ...script.statuses]);
      if (script.hang) hanging.set(name, (hanging.get(name) ?? 0) + script.hang);
      return json(response, 200, { ok: true });
    }
    json(response, 404, { error: "unknown path" });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      for (const response of held) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
