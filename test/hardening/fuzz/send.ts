import { exports } from "cloudflare:workers";
import type { FuzzRequest } from "./requests";
import type { ObservedResponse } from "./response-check";

// Sends a generated request to the real Worker exactly as generated: raw
// body bytes, the headers given and no others, a stream without
// Content-Length when asked. Bodies go out as bytes because a string body
// would make fetch add `Content-Type: text/plain` where none was generated.

const ORIGIN = "http://api.test";
const CHUNK_BYTES = 64 * 1024;

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + CHUNK_BYTES));
      offset += CHUNK_BYTES;
    },
  });
}

export async function send(request: FuzzRequest): Promise<ObservedResponse> {
  let body: BodyInit | undefined;
  if (request.body !== undefined) {
    const bytes = typeof request.body === "string" ? new TextEncoder().encode(request.body) : request.body;
    body = request.streamed ? streamOf(bytes) : bytes;
  }
  const response = await exports.default.fetch(
    new Request(`${ORIGIN}${request.url}`, { method: request.method, headers: request.headers, body }),
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}
