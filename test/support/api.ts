import { env, exports } from "cloudflare:workers";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: BodyInit;
  headers?: Record<string, string>;
}

/** Calls the real Worker (its default export's fetch) inside workerd. */
// biome-ignore lint/suspicious/noExplicitAny: see ApiResponse
export async function api<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const response = await exports.default.fetch(
    new Request(`http://api.test${path}`, {
      method: options.method ?? (body ? "POST" : "GET"),
      headers,
      body,
    }),
  );
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (HTML pages, markdown); keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export const adminToken = () => env.ADMIN_TOKEN;
