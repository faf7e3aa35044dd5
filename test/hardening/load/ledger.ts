// What the load sent and what came back, request by request: the integrity
// check afterwards compares the database with this record, so every write
// carries what identifies it there (request id, idempotency key, delivery id,
// a marker in the fact row).

export type ReadKind = "get_release" | "list_releases" | "get_plan" | "list_events";
export type WriteKind = "staging_result" | "verification_result" | "issue" | "halt" | "resume" | "go";
export type DeliveryKind = "delivery_matched" | "delivery_unmatched";
/** A write sent again with its first Idempotency-Key, or a delivery sent again with its first delivery id. */
export type RepeatKind = "write_replay" | "redelivery";
export type RequestKind = ReadKind | WriteKind | DeliveryKind | RepeatKind;

export type Outcome =
  /** A documented success: the write (or read) happened. */
  | "accepted"
  /** A documented refusal (409 for a decision the release's state rules out). */
  | "refused"
  /** 5xx: counted as an error. */
  | "server_error"
  /** Any other status: not documented for this request, so a failure. */
  | "unexpected"
  /** Sent but never answered (timed out, connection lost, or in flight when the run stopped). */
  | "in_doubt";

export interface LoadRequest {
  /** Position in the seeded sequence (0, 1, …). */
  n: number;
  kind: RequestKind;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent as X-Request-Id; the audit trail records it on every event of the command. */
  requestId: string;
  tenantId: string;
  /** The release the request is about (for a CI delivery: the one it should match, if any). */
  releaseId: string | null;
  idempotencyKey?: string;
  /** Identifies the fact row a write adds: a test result's url, an issue's description. */
  marker?: string;
  integrationId?: string;
  deliveryId?: string;
  /** The test result's external id a matched CI delivery must produce. */
  externalId?: string;
  /** For repeats: the entry first sent with this key or delivery id. */
  repeatOf?: number;
}

export interface LoadResponse {
  status: number;
  outcome: Exclude<Outcome, "in_doubt">;
  ms: number;
  /** Idempotent-Replayed: true. */
  replayed: boolean;
  /** The release's row version after the write (ETag). */
  rowVersion: number | null;
  /** The id of what a write created (an issue report). */
  resourceId: string | null;
  /** The receipt's outcome for a CI delivery (received, duplicate, …). */
  deliveryOutcome: string | null;
  /** The start of the body of an unexpected answer, for the report. */
  excerpt?: string;
}

export interface LedgerEntry {
  request: LoadRequest;
  sentAt: number;
  response?: LoadResponse;
}

const ACCEPTED: Record<RequestKind, readonly number[]> = {
  get_release: [200],
  list_releases: [200],
  get_plan: [200],
  list_events: [200],
  staging_result: [200],
  verification_result: [200],
  issue: [201],
  halt: [200],
  resume: [200],
  go: [200],
  // The first answer again; its status is checked against the original's afterwards.
  write_replay: [200, 201],
  delivery_matched: [202],
  delivery_unmatched: [202],
  redelivery: [200],
};

/** Refusals the API documents for these requests: a decision the release's state rules out. */
const REFUSED: Partial<Record<RequestKind, readonly number[]>> = {
  halt: [409],
  resume: [409],
  go: [409],
};

const WRITE_KINDS: readonly WriteKind[] = [
  "staging_result",
  "verification_result",
  "issue",
  "halt",
  "resume",
  "go",
];
const DELIVERY_KINDS: readonly DeliveryKind[] = ["delivery_matched", "delivery_unmatched"];

export function isWrite(kind: RequestKind): kind is WriteKind {
  return (WRITE_KINDS as readonly string[]).includes(kind);
}

export function isDelivery(kind: RequestKind): kind is DeliveryKind {
  return (DELIVERY_KINDS as readonly string[]).includes(kind);
}

function classify(kind: RequestKind, status: number): LoadResponse["outcome"] {
  if (ACCEPTED[kind].includes(status)) return "accepted";
  if (REFUSED[kind]?.includes(status)) return "refused";
  if (status >= 500) return "server_error";
  return "unexpected";
}

export class Ledger {
  readonly entries = new Map<number, LedgerEntry>();
  /** Accepted first sends, the pool repeats are drawn from. */
  readonly acceptedWrites: number[] = [];
  readonly acceptedDeliveries: number[] = [];

  sent(request: LoadRequest): void {
    this.entries.set(request.n, { request, sentAt: performance.now() });
  }

  answered(n: number, status: number, body: string, headers: Record<string, string | string[]>): void {
    const entry = this.entries.get(n);
    if (!entry || entry.response) return;
    const { kind } = entry.request;
    const outcome = classify(kind, status);
    const header = (name: string) => headerValue(headers, name);
    const isRead = entry.request.method === "GET";
    const json = outcome === "accepted" && !isRead ? parseJson(body) : undefined;
    const etag = header("etag");
    entry.response = {
      status,
      outcome,
      ms: performance.now() - entry.sentAt,
      replayed: header("idempotent-replayed") === "true",
      rowVersion: etag ? Number(etag.replaceAll('"', "")) : null,
      // An issue report (or its replay) answers with the issue; other writes with the release.
      resourceId: entry.request.path.endsWith("/issues") && typeof json?.id === "string" ? json.id : null,
      deliveryOutcome: typeof json?.outcome === "string" ? json.outcome : null,
      ...(outcome === "accepted" || outcome === "refused" ? {} : { excerpt: body.slice(0, 300) }),
    };
    if (outcome !== "accepted") return;
    if (isWrite(kind)) this.acceptedWrites.push(n);
    if (isDelivery(kind)) this.acceptedDeliveries.push(n);
  }

  outcomeOf(entry: LedgerEntry): Outcome {
    return entry.response?.outcome ?? "in_doubt";
  }
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
