// After the load, straight against the database (as its owner, so row-level
// security hides nothing): every accepted write is present exactly once,
// nothing refused is present, nothing is present that was not sent, and each
// release's audit trail has no gaps — every row-version step since the load
// began is one command with its own, contiguous, audit entries.
import type { Pool } from "@neondatabase/serverless";
import {
  isDelivery,
  isWrite,
  type Ledger,
  type LedgerEntry,
  type Outcome,
  type WriteKind,
} from "./ledger.ts";
import type { LoadAgency } from "./seed-load-agencies.ts";

type Database = Pick<Pool, "query">;

/**
 * Runs the queries in one read-only repeatable-read transaction: one consistent snapshot for all
 * of them, and on PGlite (which serves every connection from one session, keeping a connection's
 * messages together only inside a transaction) no interleaving with the Worker's statements.
 */
export async function inSnapshot<T>(pool: Pool, work: (db: Database) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    try {
      return await work(client);
    } finally {
      await client.query("rollback");
    }
  } finally {
    client.release();
  }
}

/** The event each accepted write must have left in its release's audit trail, once. */
const EVENT_OF: Record<WriteKind, string> = {
  staging_result: "test_result_recorded",
  verification_result: "test_result_recorded",
  issue: "issue_reported",
  halt: "release_halted",
  resume: "release_resumed",
  go: "go_no_go_decided",
};

/** Where every seeded release stood when the load began. */
export interface Baseline {
  releases: Map<string, { rowVersion: number; maxSeq: number }>;
  testResultIds: Set<string>;
  issueIds: Set<string>;
  deliveryRows: Set<string>;
}

export interface IntegrityCheck {
  name: string;
  /** How many things the check looked at. */
  checked: number;
  failures: string[];
}

export interface IntegrityReport {
  checks: IntegrityCheck[];
  /** Writes that were sent but never answered, and whether each turned out to be applied. */
  inDoubt: { sent: number; applied: number };
  /** What was accepted against what the database holds since the load began. */
  tally: {
    acceptedWrites: number;
    acceptedDeliveries: number;
    answeredDuplicates: number;
    memberFactRows: number;
    ciTestResults: number;
    deliveryRows: number;
    duplicateRows: number;
    auditEvents: number;
  };
}

interface EventRow {
  seq: number;
  release_id: string;
  type: string;
  request_id: string | null;
  data: Record<string, unknown>;
}

function scope(agencies: readonly LoadAgency[]) {
  return {
    releaseIds: agencies.flatMap((a) => a.releases.map((r) => r.id)),
    tenantIds: agencies.map((a) => a.agency.tenantId),
    integrationIds: agencies.map((a) => a.integration.id),
  };
}

export async function captureBaseline(db: Database, agencies: readonly LoadAgency[]): Promise<Baseline> {
  const { releaseIds, integrationIds } = scope(agencies);
  const releases = await db.query(
    `select r.id, r.row_version, coalesce(max(e.seq), 0) as max_seq
       from releases r left join release_events e on e.release_id = r.id
      where r.id = any($1::uuid[]) group by r.id, r.row_version`,
    [releaseIds],
  );
  const results = await db.query("select id from test_results where release_id = any($1::uuid[])", [
    releaseIds,
  ]);
  const issues = await db.query("select id from issue_reports where release_id = any($1::uuid[])", [
    releaseIds,
  ]);
  const deliveries = await db.query(
    "select id from webhook_deliveries where integration_id = any($1::uuid[])",
    [integrationIds],
  );
  return {
    releases: new Map(
      releases.rows.map((row) => [
        row.id as string,
        { rowVersion: Number(row.row_version), maxSeq: Number(row.max_seq) },
      ]),
    ),
    testResultIds: new Set(results.rows.map((row) => row.id as string)),
    issueIds: new Set(issues.rows.map((row) => row.id as string)),
    deliveryRows: new Set(deliveries.rows.map((row) => row.id as string)),
  };
}

/**
 * Waits (bounded) until the CI deliveries accepted with a 202 have been processed (their work
 * runs after the answer) and no release's audit trail grows any more (writes still in flight when
 * the run stopped have landed or not).
 */
export async function waitForQuiet(
  pool: Pool,
  agencies: readonly LoadAgency[],
  limitMs: number,
): Promise<{ waitedMs: number; unprocessedDeliveries: number }> {
  const { releaseIds, integrationIds } = scope(agencies);
  const started = performance.now();
  let previousSeq = -1;
  for (;;) {
    const { unprocessed, maxSeq } = await inSnapshot(pool, async (db) => {
      const pending = await db.query(
        "select count(*)::int as n from webhook_deliveries where integration_id = any($1::uuid[]) and outcome = 'received'",
        [integrationIds],
      );
      const seq = await db.query(
        "select coalesce(max(seq), 0) as seq from release_events where release_id = any($1::uuid[])",
        [releaseIds],
      );
      return { unprocessed: Number(pending.rows[0]?.n ?? 0), maxSeq: Number(seq.rows[0]?.seq ?? 0) };
    });
    const waitedMs = performance.now() - started;
    if ((unprocessed === 0 && maxSeq === previousSeq) || waitedMs > limitMs) {
      return { waitedMs, unprocessedDeliveries: unprocessed };
    }
    previousSeq = maxSeq;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function checkIntegrity(
  db: Database,
  agencies: readonly LoadAgency[],
  ledger: Ledger,
  baseline: Baseline,
): Promise<IntegrityReport> {
  const { releaseIds, tenantIds, integrationIds } = scope(agencies);
  const eventRows = (
    await db.query(
      `select seq, release_id, type, request_id, data from release_events
        where release_id = any($1::uuid[]) order by seq`,
      [releaseIds],
    )
  ).rows as EventRow[];
  const events = eventRows
    .map((row) => ({ ...row, seq: Number(row.seq) }))
    .filter((row) => row.seq > (baseline.releases.get(row.release_id)?.maxSeq ?? 0));
  const testResults = (
    await db.query(
      "select id, release_id, source, url, external_id from test_results where release_id = any($1::uuid[])",
      [releaseIds],
    )
  ).rows.filter((row) => !baseline.testResultIds.has(row.id));
  const issues = (
    await db.query(
      "select id, release_id, description from issue_reports where release_id = any($1::uuid[])",
      [releaseIds],
    )
  ).rows.filter((row) => !baseline.issueIds.has(row.id));
  const keys = (
    await db.query("select tenant_id, key from idempotency_keys where tenant_id = any($1::uuid[])", [
      tenantIds,
    ])
  ).rows;
  const deliveries = (
    await db.query(
      `select id, integration_id, delivery_id, outcome, release_id from webhook_deliveries
        where integration_id = any($1::uuid[])`,
      [integrationIds],
    )
  ).rows.filter((row) => !baseline.deliveryRows.has(row.id));
  const releases = (
    await db.query("select id, row_version from releases where id = any($1::uuid[])", [releaseIds])
  ).rows;

  const eventsByRequest = groupBy(events, (e) => e.request_id ?? "");
  const resultsByUrl = groupBy(testResults, (r) => r.url ?? "");
  const resultsByExternalId = groupBy(testResults, (r) => r.external_id ?? "");
  const issuesByDescription = groupBy(issues, (i) => i.description);
  const keyRows = new Map(keys.map((k) => [`${k.tenant_id}/${k.key}`, k]));
  const deliveryRows = groupBy(deliveries, (d) => `${d.integration_id}/${d.delivery_id}`);

  const entries = [...ledger.entries.values()];
  const outcome = (entry: LedgerEntry): Outcome => ledger.outcomeOf(entry);
  const writes = entries.filter((e) => isWrite(e.request.kind));
  const firstDeliveries = entries.filter((e) => isDelivery(e.request.kind));
  const inDoubt = { sent: 0, applied: 0 };
  /** Request ids whose command may rightly have left audit events: accepted, or never answered. */
  const mayHaveWritten = new Set<string>();

  // 1. Release writes, one by one.
  const writeCheck: IntegrityCheck = {
    name: "release writes: accepted once, refused never",
    checked: 0,
    failures: [],
  };
  for (const entry of writes) {
    const { request } = entry;
    const kind = request.kind as WriteKind;
    const state = outcome(entry);
    writeCheck.checked++;
    const own = (eventsByRequest.get(request.requestId) ?? []).filter((e) => e.type === EVENT_OF[kind]);
    const elsewhere = (eventsByRequest.get(request.requestId) ?? []).filter(
      (e) => e.release_id !== request.releaseId,
    );
    const facts = factRowsOf(kind, request.marker, resultsByUrl, issuesByDescription);
    const key = keyRows.get(`${request.tenantId}/${request.idempotencyKey}`);
    const label = `${request.kind} #${request.n} (${state}, request ${request.requestId})`;
    if (elsewhere.length > 0) writeCheck.failures.push(`${label}: audit events on another release`);
    if (state === "accepted") {
      mayHaveWritten.add(request.requestId);
      if (own.length !== 1)
        writeCheck.failures.push(`${label}: ${own.length} '${EVENT_OF[kind]}' events, expected 1`);
      if (facts !== null && facts.length !== 1)
        writeCheck.failures.push(`${label}: ${facts.length} fact rows, expected 1`);
      if (kind === "issue" && facts?.[0] && facts[0].id !== entry.response?.resourceId)
        writeCheck.failures.push(
          `${label}: the issue stored is ${facts[0].id}, the answer said ${entry.response?.resourceId}`,
        );
      // Present is what counts: a command stores its own status (200), the route may answer 201.
      if (!key) writeCheck.failures.push(`${label}: no idempotency key stored`);
    } else if (state === "in_doubt") {
      mayHaveWritten.add(request.requestId);
      inDoubt.sent++;
      if (own.length > 0) inDoubt.applied++;
      if (own.length > 1) writeCheck.failures.push(`${label}: applied ${own.length} times`);
      if (facts !== null && facts.length > 1) writeCheck.failures.push(`${label}: ${facts.length} fact rows`);
      if (facts !== null && facts.length !== own.length)
        writeCheck.failures.push(`${label}: ${own.length} audit events but ${facts.length} fact rows`);
    } else {
      const all = eventsByRequest.get(request.requestId) ?? [];
      if (all.length > 0)
        writeCheck.failures.push(
          `${label}: answered ${entry.response?.status} but left ${all.length} audit events`,
        );
      if (facts !== null && facts.length > 0)
        writeCheck.failures.push(`${label}: answered ${entry.response?.status} but stored a fact row`);
      if (key)
        writeCheck.failures.push(
          `${label}: answered ${entry.response?.status} but stored its idempotency key`,
        );
    }
  }

  // 2. Writes sent again with their Idempotency-Key: the first answer, nothing applied again.
  const replayCheck: IntegrityCheck = {
    name: "idempotent replays: first answer, no second effect",
    checked: 0,
    failures: [],
  };
  for (const entry of entries.filter((e) => e.request.kind === "write_replay")) {
    replayCheck.checked++;
    const { request, response } = entry;
    const original = request.repeatOf === undefined ? undefined : ledger.entries.get(request.repeatOf);
    const label = `replay #${request.n} of #${request.repeatOf} (request ${request.requestId})`;
    const applied = eventsByRequest.get(request.requestId) ?? [];
    if (applied.length > 0) replayCheck.failures.push(`${label}: left ${applied.length} audit events`);
    if (response?.outcome === "accepted") {
      if (!response.replayed)
        replayCheck.failures.push(`${label}: answered without Idempotent-Replayed: true`);
      if (response.status !== original?.response?.status)
        replayCheck.failures.push(
          `${label}: answered ${response.status}, the first answer was ${original?.response?.status}`,
        );
      if (response.resourceId !== (original?.response?.resourceId ?? null))
        replayCheck.failures.push(
          `${label}: answered with ${response.resourceId}, the first answer created ${original?.response?.resourceId}`,
        );
      if (
        original?.response?.rowVersion !== undefined &&
        response.rowVersion !== original.response.rowVersion
      )
        replayCheck.failures.push(
          `${label}: ETag ${response.rowVersion}, the first answer had ${original.response.rowVersion}`,
        );
    }
  }

  // 3. CI deliveries: each accepted delivery id recorded once, processed, and applied once when it matched.
  const deliveryCheck: IntegrityCheck = {
    name: "CI deliveries: recorded once, applied once",
    checked: 0,
    failures: [],
  };
  const expectedDeliveryIds = new Set<string>();
  for (const entry of firstDeliveries) {
    deliveryCheck.checked++;
    const { request, response } = entry;
    const state = outcome(entry);
    const rows = deliveryRows.get(`${request.integrationId}/${request.deliveryId}`) ?? [];
    const applied = request.externalId ? (resultsByExternalId.get(request.externalId) ?? []) : [];
    const label = `${request.kind} #${request.n} (${state}, delivery ${request.deliveryId})`;
    if (state === "accepted" || state === "in_doubt") {
      expectedDeliveryIds.add(`${request.integrationId}/${request.deliveryId}`);
      mayHaveWritten.add(request.requestId);
    }
    if (state === "accepted") {
      if (response?.deliveryOutcome !== "received")
        deliveryCheck.failures.push(
          `${label}: receipt outcome '${response?.deliveryOutcome}', expected 'received'`,
        );
      if (rows.length !== 1) {
        deliveryCheck.failures.push(`${label}: ${rows.length} delivery rows, expected 1`);
        continue;
      }
      const [row] = rows;
      const expectedOutcome = request.kind === "delivery_matched" ? "applied" : "unmatched";
      if (row.outcome !== expectedOutcome)
        deliveryCheck.failures.push(`${label}: outcome '${row.outcome}', expected '${expectedOutcome}'`);
      if (request.kind === "delivery_matched") {
        if (row.release_id !== request.releaseId)
          deliveryCheck.failures.push(
            `${label}: matched release ${row.release_id}, expected ${request.releaseId}`,
          );
        if (
          applied.length !== 1 ||
          applied[0]?.source !== "ci" ||
          applied[0]?.release_id !== request.releaseId
        )
          deliveryCheck.failures.push(
            `${label}: ${applied.length} CI test results for ${request.externalId}, expected 1 on ${request.releaseId}`,
          );
        const own = (eventsByRequest.get(request.requestId) ?? []).filter(
          (e) => e.type === "test_result_recorded",
        );
        if (own.length !== 1) deliveryCheck.failures.push(`${label}: ${own.length} audit events, expected 1`);
      } else if (applied.length > 0 || (eventsByRequest.get(request.requestId) ?? []).length > 0) {
        deliveryCheck.failures.push(`${label}: an unmatched delivery changed a release`);
      }
    } else if (state === "in_doubt") {
      inDoubt.sent++;
      if (rows.length > 1 || applied.length > 1)
        deliveryCheck.failures.push(`${label}: recorded or applied twice`);
      if (applied.length === 1) inDoubt.applied++;
    } else if (rows.length > 0) {
      deliveryCheck.failures.push(`${label}: answered ${response?.status} but recorded`);
    }
  }
  for (const row of deliveries) {
    const synthetic = String(row.delivery_id).startsWith("~");
    if (!synthetic && !expectedDeliveryIds.has(`${row.integration_id}/${row.delivery_id}`))
      deliveryCheck.failures.push(`delivery row ${row.delivery_id}: no accepted delivery has this id`);
    if (synthetic && !String(row.delivery_id).startsWith("~duplicate:"))
      deliveryCheck.failures.push(
        `delivery row ${row.delivery_id}: outcome '${row.outcome}' (${row.delivery_id.split(":")[0]})`,
      );
    if (["received", "failed", "rejected", "malformed"].includes(row.outcome))
      deliveryCheck.failures.push(`delivery ${row.delivery_id}: left '${row.outcome}'`);
  }

  // 4. Redeliveries: answered as duplicates, recorded as such, never applied again.
  const redeliveryCheck: IntegrityCheck = {
    name: "CI redeliveries: duplicate, never applied",
    checked: 0,
    failures: [],
  };
  const redeliveries = entries.filter((e) => e.request.kind === "redelivery");
  for (const entry of redeliveries) {
    redeliveryCheck.checked++;
    const label = `redelivery #${entry.request.n} of #${entry.request.repeatOf}`;
    if ((eventsByRequest.get(entry.request.requestId) ?? []).length > 0)
      redeliveryCheck.failures.push(`${label}: changed a release`);
    if (entry.response?.outcome === "accepted" && entry.response.deliveryOutcome !== "duplicate")
      redeliveryCheck.failures.push(`${label}: receipt outcome '${entry.response.deliveryOutcome}'`);
  }
  const duplicateRows = deliveries.filter((row) => String(row.delivery_id).startsWith("~duplicate:")).length;
  const answeredDuplicates = redeliveries.filter((e) => outcome(e) === "accepted").length;
  const unansweredRedeliveries = redeliveries.filter((e) => outcome(e) === "in_doubt").length;
  if (duplicateRows < answeredDuplicates || duplicateRows > answeredDuplicates + unansweredRedeliveries)
    redeliveryCheck.failures.push(
      `${duplicateRows} duplicate rows for ${answeredDuplicates} redeliveries answered as duplicates (+${unansweredRedeliveries} unanswered)`,
    );

  // 5. Nothing present that was not accepted (or at least sent and left unanswered).
  const strayCheck: IntegrityCheck = {
    name: "nothing stored that was not accepted",
    checked: 0,
    failures: [],
  };
  const markers = new Set(
    writes.filter((e) => mayHaveWritten.has(e.request.requestId)).map((e) => e.request.marker ?? ""),
  );
  const externalIds = new Set(
    firstDeliveries
      .filter((e) => mayHaveWritten.has(e.request.requestId))
      .map((e) => e.request.externalId ?? ""),
  );
  for (const row of testResults) {
    strayCheck.checked++;
    const known = row.source === "ci" ? externalIds.has(row.external_id ?? "") : markers.has(row.url ?? "");
    if (!known)
      strayCheck.failures.push(
        `test result ${row.id} (${row.source}, ${row.url ?? row.external_id}): not sent`,
      );
  }
  for (const row of issues) {
    strayCheck.checked++;
    if (!markers.has(row.description)) strayCheck.failures.push(`issue ${row.id}: not sent`);
  }
  for (const event of events) {
    strayCheck.checked++;
    if (!mayHaveWritten.has(event.request_id ?? ""))
      strayCheck.failures.push(
        `event ${event.seq} (${event.type}) from request ${event.request_id}: not accepted`,
      );
  }

  // 6. The audit trail of each release: every version step one command, its events together.
  const trailCheck: IntegrityCheck = {
    name: "audit trail: no gaps, no interleaving",
    checked: 0,
    failures: [],
  };
  const eventsByRelease = groupBy(events, (e) => e.release_id);
  for (const release of releases) {
    trailCheck.checked++;
    const before = baseline.releases.get(release.id);
    if (!before) {
      trailCheck.failures.push(`release ${release.id}: no baseline`);
      continue;
    }
    const trail = eventsByRelease.get(release.id) ?? [];
    const commands = new Set<string>();
    let previous: string | null = null;
    for (const event of trail) {
      const requestId = event.request_id ?? "";
      if (requestId !== previous && commands.has(requestId))
        trailCheck.failures.push(
          `release ${release.id}: events of request ${requestId} are not contiguous (seq ${event.seq})`,
        );
      commands.add(requestId);
      previous = requestId;
    }
    const steps = Number(release.row_version) - before.rowVersion;
    if (steps !== commands.size)
      trailCheck.failures.push(
        `release ${release.id}: row version moved ${steps} steps (${before.rowVersion} → ${release.row_version}) but ${commands.size} commands left audit events`,
      );
    const versions = writes
      .filter((e) => e.request.releaseId === release.id && outcome(e) === "accepted")
      .map((e) => e.response?.rowVersion ?? null);
    const seen = new Set<number>();
    for (const version of versions) {
      if (
        version === null ||
        version <= before.rowVersion ||
        version > Number(release.row_version) ||
        seen.has(version)
      )
        trailCheck.failures.push(
          `release ${release.id}: an accepted write answered ETag ${version} (range ${before.rowVersion + 1}–${release.row_version}, seen twice: ${version !== null && seen.has(version)})`,
        );
      if (version !== null) seen.add(version);
    }
  }

  // 7. Decisions: halts and resumes alternate; one go wins per release.
  const decisionCheck: IntegrityCheck = {
    name: "decisions: consistent order, one go per release",
    checked: 0,
    failures: [],
  };
  for (const loadAgency of agencies) {
    for (const release of loadAgency.releases) {
      const trail = eventsByRelease.get(release.id) ?? [];
      const sent = writes.filter((e) => e.request.releaseId === release.id);
      if (release.role === "halt") {
        decisionCheck.checked++;
        const order = trail.filter((e) => e.type === "release_halted" || e.type === "release_resumed");
        order.forEach((event, index) => {
          const expected = index % 2 === 0 ? "release_halted" : "release_resumed";
          if (event.type !== expected)
            decisionCheck.failures.push(
              `release ${release.id}: decision ${index + 1} is ${event.type}, expected ${expected}`,
            );
        });
        const accepted = sent.filter((e) => outcome(e) === "accepted").length;
        const unanswered = sent.filter((e) => outcome(e) === "in_doubt").length;
        if (order.length < accepted || order.length > accepted + unanswered)
          decisionCheck.failures.push(
            `release ${release.id}: ${order.length} halt/resume events for ${accepted} accepted decisions (+${unanswered} unanswered)`,
          );
      }
      if (release.role === "go") {
        decisionCheck.checked++;
        const goes = trail.filter((e) => e.type === "go_no_go_decided");
        const accepted = sent.filter((e) => e.request.kind === "go" && outcome(e) === "accepted").length;
        const answered = sent.filter((e) => e.request.kind === "go" && e.response !== undefined).length;
        if (accepted > 1)
          decisionCheck.failures.push(`release ${release.id}: ${accepted} go decisions accepted`);
        if (answered > 0 && accepted === 0 && goes.length === 0)
          decisionCheck.failures.push(
            `release ${release.id}: ${answered} go decisions answered, none accepted although every gate held`,
          );
        if (goes.length > 1) decisionCheck.failures.push(`release ${release.id}: ${goes.length} go events`);
      }
    }
  }

  return {
    checks: [writeCheck, replayCheck, deliveryCheck, redeliveryCheck, strayCheck, trailCheck, decisionCheck],
    inDoubt,
    tally: {
      acceptedWrites: writes.filter((e) => outcome(e) === "accepted").length,
      acceptedDeliveries: firstDeliveries.filter((e) => outcome(e) === "accepted").length,
      answeredDuplicates,
      memberFactRows: testResults.filter((row) => row.source !== "ci").length + issues.length,
      ciTestResults: testResults.filter((row) => row.source === "ci").length,
      deliveryRows: deliveries.filter((row) => !String(row.delivery_id).startsWith("~")).length,
      duplicateRows,
      auditEvents: events.length,
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: database rows are read field by field
type Row = any;

function factRowsOf(
  kind: WriteKind,
  marker: string | undefined,
  resultsByUrl: Map<string, Row[]>,
  issuesByDescription: Map<string, Row[]>,
): Row[] | null {
  if (kind === "staging_result" || kind === "verification_result")
    return resultsByUrl.get(marker ?? "") ?? [];
  if (kind === "issue") return issuesByDescription.get(marker ?? "") ?? [];
  return null;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
