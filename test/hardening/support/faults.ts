// Fault injection for the hardening suite: cutting the Worker's database
// connection through the bridge, running the cron as the platform would, and
// reading rows directly to prove what a failed request did not write.
//
// Other hardening files may run at the same time against the same bridge,
// database and fake email provider, so a connection cut is aimed at one
// request by a marker that request carries (never "the next connection"), and
// every assertion reads only the calling test's own rows. A cron tick cannot
// be aimed: it works across all agencies (see faults/cron-ticks.test.ts).
import { sql } from "drizzle-orm";
import { expect, inject } from "vitest";
import { type ApiResponse, api } from "../../support/api";
import { withDatabase } from "../../support/database";
import type { SeededAgency } from "../../support/harness";
import { createRelease, decide, makeGoReady } from "../../support/releases";
import { systemQuery } from "../../windows/support";

/** When a marked connection is cut: before its frame reaches Postgres, or once Postgres has run it. */
export type CutMoment = "before_forwarding" | "after_answer";
/** Or not cut but stalled: the marked frame and every later one are swallowed, the connection left open. */
export type FaultMoment = CutMoment | "stall";

export interface CutResult<T> {
  /** What the request answered. */
  response: T;
  /** Whether the bridge cut a connection for the marker (false: the request never sent it). */
  cut: boolean;
  /** With `after_answer`: Postgres had run the marked statement (answered up to ReadyForQuery) before the cut. */
  statementRan: boolean;
}

const faultControlUrl = () => {
  const url = inject("bridgeFaultControlUrl");
  if (!url) throw new Error("the bridge was started without fault control (test/setup/global-setup.ts)");
  return url;
};

/** A marker no other request will ever carry: the fault is aimed by it. */
export function uniqueMarker(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

/**
 * Runs `request` with the bridge armed to cut the first connection that sends
 * `marker` to the database. With `after_answer` (default) the marked statement
 * runs inside its open transaction and the connection dies before the commit;
 * with `before_forwarding` the statement never arrives. The rule is removed
 * afterwards whether or not it fired, so nothing stays armed for later requests.
 */
export async function withConnectionCut<T>(
  marker: string,
  when: CutMoment,
  request: () => Promise<T>,
): Promise<CutResult<T>> {
  const id = await armFault(marker, when);
  try {
    const response = await request();
    const { triggered, answered } = await faultState(id);
    return { response, cut: triggered, statementRan: answered };
  } finally {
    await disarmFault(id);
  }
}

/** Arms a one-shot fault for the first connection that sends `marker`; returns the rule's id. Disarm it after. */
export async function armFault(marker: string, when: FaultMoment): Promise<string> {
  const armed = await fetch(`${faultControlUrl()}/drops`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ marker, when }),
  });
  expect(armed.status, await armed.clone().text()).toBe(201);
  return ((await armed.json()) as { id: string }).id;
}

/**
 * Whether the rule fired (`triggered`); with `after_answer`, whether Postgres had answered first;
 * with `stall`, whether the driver has since closed the stalled connection.
 */
export async function faultState(
  id: string,
): Promise<{ triggered: boolean; answered: boolean; closed: boolean }> {
  const state = await fetch(`${faultControlUrl()}/drops/${id}`);
  return (await state.json()) as { triggered: boolean; answered: boolean; closed: boolean };
}

export async function disarmFault(id: string): Promise<void> {
  await (await fetch(`${faultControlUrl()}/drops/${id}`, { method: "DELETE" })).arrayBuffer();
}

/**
 * The documented retryable failure: a 503 problem+json with the given code and
 * a positive whole-second Retry-After. Returns the Retry-After seconds.
 */
export function expectRetryableProblem(res: ApiResponse, code: string): number {
  expect(res.status, res.text).toBe(503);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  expect(res.body).toMatchObject({ status: 503, code });
  expect(typeof res.body.request_id).toBe("string");
  // 5xx never carry stack traces.
  expect(res.text).not.toMatch(/\.ts:\d+|\bat \w+ \(/);
  const retryAfter = res.headers.get("Retry-After") ?? "";
  expect(retryAfter, "Retry-After").toMatch(/^[1-9]\d*$/);
  return Number(retryAfter);
}

/**
 * True when a new connection's statement runs outside any transaction. On
 * PGlite every connection shares one session, so a transaction a cut
 * connection left open would show here (its `now()` is the old transaction's
 * start); on PostgreSQL each connection is its own session and this is true.
 */
export function sessionIsClean(): Promise<boolean> {
  return withDatabase((handle) =>
    handle.withConnection(async (_db, client) => {
      const result = await client.query<{ clean: boolean }>("select now() = statement_timestamp() as clean");
      return result.rows[0]?.clean === true;
    }),
  );
}

/** The next whole minute at least `minutes` from now. */
export function wholeMinutesAhead(minutes: number): Date {
  return new Date(Math.ceil((Date.now() + minutes * 60_000) / 60_000) * 60_000);
}

/** The slot a scheduled release waits for: an explicit range, or one occurrence of a stored window. */
export type Booking =
  | { starts_at: string; ends_at: string }
  | { window_id: string; occurrence_starts_at: string };

/** Puts contacts on a release's communication list. */
export async function setRecipients(agency: SeededAgency, releaseId: string, contactIds: string[]) {
  const res = await api(`/v1/releases/${releaseId}/recipients`, {
    method: "PUT",
    token: agency.tokens.release_manager,
    body: {
      contacts: contactIds.map((contact_id) => ({ contact_id, role: "client_stakeholder" })),
      members: [],
    },
  });
  expect(res.status, res.text).toBe(200);
}

/**
 * A release given go before its booked slot opens: `scheduled`, for the cron
 * to start when the slot opens. The owner books it with an override reason,
 * so the policy (business hours, a holiday falling on the test date) never
 * depends on when the suite runs. Recipients listed here are on the release
 * before the go, so the "scheduled" message is queued (and kicked) too.
 */
export async function scheduledRelease(
  agency: SeededAgency,
  booking: Booking,
  recipientsBeforeGo: string[] = [],
): Promise<string> {
  const id = await createRelease(agency);
  const team = await api(`/v1/releases/${id}/team`, {
    method: "PUT",
    token: agency.tokens.release_manager,
    body: {
      release_manager_id: agency.members.release_manager.id,
      members: [{ member_id: agency.members.engineer.id, role: "engineer" }],
    },
  });
  expect(team.status, team.text).toBe(200);
  const window = await api(`/v1/releases/${id}/window`, {
    method: "PUT",
    token: agency.tokens.owner,
    body: { ...booking, override_reason: "Hardening run: the slot is chosen by the test" },
  });
  expect(window.status, window.text).toBe(200);
  const moved = await api(`/v1/releases/${id}/transitions`, {
    token: agency.tokens.release_manager,
    body: { to: "pre_deployment_verification" },
  });
  expect(moved.status, moved.text).toBe(200);
  await makeGoReady(agency, id);
  if (recipientsBeforeGo.length > 0) await setRecipients(agency, id, recipientsBeforeGo);
  const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready for the slot" });
  expect(go.status, go.text).toBe(200);
  expect(go.body.status).toBe("scheduled");
  return id;
}

export interface OutboxRow {
  id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  provider_message_id: string | null;
}

/** A release's outbox rows, oldest first, as stored (the API masks and pages them). */
export function outboxRows(tenantId: string, releaseId: string): Promise<OutboxRow[]> {
  return systemQuery<OutboxRow>(sql`
    select id, event, status, attempts, last_error, provider_message_id,
      to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as next_attempt_at
    from outbox_messages where tenant_id = ${tenantId} and release_id = ${releaseId}
    order by created_at, id`);
}

/** Waits (bounded) until `check` holds for the release's outbox; returns the rows it last saw. */
export async function waitForOutbox(
  tenantId: string,
  releaseId: string,
  check: (rows: OutboxRow[]) => boolean,
  what: string,
): Promise<OutboxRow[]> {
  let rows = await outboxRows(tenantId, releaseId);
  for (let poll = 0; poll < 150 && !check(rows); poll++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows = await outboxRows(tenantId, releaseId);
  }
  expect(check(rows), `${what}: ${JSON.stringify(rows)}`).toBe(true);
  return rows;
}
