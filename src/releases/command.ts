import type { ErrorDescription } from "../app/errors";
import type { IdempotencyRequest } from "../app/idempotency";
import type { TokenClaims } from "../lib/auth/tokens";
import type { ProblemCode, ProblemExtras } from "../lib/problem";
import type { ReleaseOperation } from "./operations";

/**
 * Who is asking: a member (their verified token), the platform itself, or a client contact holding
 * a verified approval link (the link's signature was checked; its row is checked in the command).
 */
export type Principal =
  | { kind: "token"; claims: TokenClaims }
  | { kind: "system"; name: "scheduler" | "ci" }
  | { kind: "approval_link"; contactId: string };

/** One state change of one release, as sent to its Durable Object. Plain data: it crosses RPC. */
export interface ReleaseCommand {
  tenantId: string;
  releaseId: string;
  principal: Principal;
  requestId: string;
  idempotency?: IdempotencyRequest | undefined;
  /** The scheduler's tick time, used as "now" for its commands (a late tick judges by when it was due). */
  scheduledAt?: string | undefined;
  operation: ReleaseOperation;
}

export interface SerializedProblem {
  code: ProblemCode;
  detail: string;
  extras: ProblemExtras;
  headers: Record<string, string>;
  /** For an unexpected failure inside the object: what was thrown and where, for the caller's log. */
  cause?: ErrorDescription;
}

export type ReleaseCommandOutcome =
  | {
      ok: true;
      status: number;
      body: unknown;
      replayed: boolean;
      rowVersion: number | null;
      /** Stakeholder messages the command queued (the route kicks the outbox with waitUntil). */
      queuedMessages?: number;
      /** Deliveries to the agency's webhook endpoints the command queued (kicked the same way). */
      queuedWebhooks?: number;
    }
  | { ok: false; problem: SerializedProblem };
