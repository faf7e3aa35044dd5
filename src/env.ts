import { z } from "zod";

// Secrets and settings the Worker needs, parsed once per isolate. A missing or
// malformed one is reported by name (never by value) on the first request
// that needs it, instead of failing three calls deep.
const RuntimeConfigSchema = z.object({
  DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgres:// URL" }),
  DB_WS_PROXY: z
    .string()
    .regex(/^[^/\s]+:\d+$/, "DB_WS_PROXY must be host:port of the WebSocket bridge")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // How read-only requests reach Postgres (README "Configuration"): "websocket" (default) or
  // "http", Neon's HTTP SQL transaction. Writes, Durable Object commands and the cron always use
  // the WebSocket pool.
  DB_TRANSPORT: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .enum(["websocket", "http"], { message: 'DB_TRANSPORT must be "websocket" or "http"' })
      .default("websocket"),
  ),
  // The bridge's HTTP SQL endpoint for DB_TRANSPORT=http with a non-Neon Postgres (development,
  // tests); unset in production, where the driver posts to Neon's own endpoint.
  DB_HTTP_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      message: "DB_HTTP_ENDPOINT must be the http(s) URL of the bridge's /sql endpoint",
    })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  JWT_SIGNING_KEY: z.string().min(1, "JWT_SIGNING_KEY (a private JWK as JSON) is not set"),
  JWT_VERIFY_KEYS: z.string().optional(),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  ADMIN_TOKEN: z.string().min(32, "ADMIN_TOKEN must be at least 32 characters"),
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine(
      (value) => decodedLength(value) === 32,
      "DATA_ENCRYPTION_KEY must be 32 random bytes, base64-encoded",
    ),
  // Signs capability links (unsubscribe) apart from DATA_ENCRYPTION_KEY, so either can rotate
  // alone; the previous key is still accepted while a rotation settles. Unset: derived from
  // DATA_ENCRYPTION_KEY (with its own HKDF label), as before.
  LINK_SIGNING_KEY: z
    .string()
    .refine(
      (value) => decodedLength(value) === 32,
      "LINK_SIGNING_KEY must be 32 random bytes, base64-encoded",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LINK_SIGNING_KEY_PREVIOUS: z
    .string()
    .refine(
      (value) => decodedLength(value) === 32,
      "LINK_SIGNING_KEY_PREVIOUS must be 32 random bytes, base64-encoded",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  PUBLIC_BASE_URL: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Email (src/notifications). Without RESEND_API_KEY messages stay queued and the API says so.
  RESEND_API_KEY: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  RESEND_BASE_URL: z
    .url({ message: "RESEND_BASE_URL must be a URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  RESEND_WEBHOOK_SECRET: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  EMAIL_FROM: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Webhook endpoints must be https; "true" also admits http on loopback addresses (127.0.0.1,
  // localhost, [::1]) so a receiver on the developer's machine works. `npm start` and the tests
  // set it; production leaves it unset.
  WEBHOOKS_ALLOW_LOOPBACK: z
    .enum(["true", "false"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

function decodedLength(base64: string): number {
  try {
    return atob(base64).length;
  } catch {
    return -1;
  }
}

export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Worker misconfigured: ${problems.join("; ")}`);
  }
}

const parsed = new WeakMap<object, RuntimeConfig>();

export function runtimeConfig(env: Env): RuntimeConfig {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = RuntimeConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigurationError(
      result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  parsed.set(env, result.data);
  return result.data;
}
