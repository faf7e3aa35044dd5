import type { ApprovalPageData } from "../db/repositories/approval-requests";
import { escapeHtml, isPublicChange, localTime } from "../domain/notifications";
import { page } from "../notifications/pages";

// The page a client opens from an approval link: what the release is, and one form to answer. It
// works on a phone, loads nothing from elsewhere and runs no script (the pages' strict CSP,
// PAGE_HEADERS); the answer is a plain form POST to the same URL, so it works with any browser.

const APPROVAL_STYLE = `<style>
  .facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 1rem 0; }
  .facts dt { color: GrayText; } .facts dd { margin: 0; }
  blockquote { margin: 1rem 0; padding: 0.5rem 1rem; border-left: 4px solid GrayText; white-space: pre-wrap; }
  form { margin: 1.5rem 0; padding: 1rem; border: 1px solid GrayText; border-radius: 0.5rem; }
  label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
  textarea { width: 100%; box-sizing: border-box; font: inherit; min-height: 5rem; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1rem; }
  .actions button { flex: 1 1 12rem; }
  .ok { font-weight: 600; }
</style>`;

const DECISION_WORDS: Readonly<Record<string, string>> = {
  approved: "Approved",
  changes_requested: "Changes requested",
  passed: "Acceptance testing passed",
  failed: "Acceptance testing failed",
};

const STAGE_WORDS: Readonly<Record<string, string>> = {
  staging: "Staging",
  smoke: "Smoke tests",
  verification: "Verification",
  uat: "User acceptance",
};

function footer(data: ApprovalPageData): string {
  const contact = [
    data.sender_email_confirmed ? data.sender_email : null,
    data.sender_phone,
    data.sender_postal_address,
  ].filter((part): part is string => !!part);
  return `<footer><p>Sent by ${escapeHtml(data.agency_name)} for ${escapeHtml(data.client_name)}.${
    contact.length > 0 ? ` Contact: ${contact.map(escapeHtml).join(" · ")}` : ""
  }</p></footer>`;
}

function heading(data: ApprovalPageData): string {
  const name = `${data.project_name} ${data.version}`;
  return data.kind === "uat" ? `Acceptance testing of ${name}` : `Approve ${name} for release?`;
}

/** "Tuesday 8 December 2026, 10:00 pm to 11:30 pm AEDT"; both dates (and zones) when they differ. */
function windowText(data: ApprovalPageData): string {
  if (!data.window_starts_at || !data.window_ends_at) return "Not scheduled yet";
  const start = localTime(data.window_starts_at, data.timezone);
  const end = localTime(data.window_ends_at, data.timezone);
  const [startDay, startTime = ""] = splitAtLast(start, ", ");
  const [endDay, endTime = ""] = splitAtLast(end, ", ");
  const [startClock, startZone] = splitAtLast(startTime, " ");
  const [, endZone] = splitAtLast(endTime, " ");
  if (startDay === endDay && startZone === endZone) return `${startDay}, ${startClock} to ${endTime}`;
  return `${start} to ${end}`;
}

function splitAtLast(text: string, separator: string): [string, string | undefined] {
  const at = text.lastIndexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** The latest result of each suite, as "Staging: 2 passed, 1 failed" lines. */
function testSummary(data: ApprovalPageData): string {
  const latest = new Map<string, { stage: string; status: string }>();
  for (const result of data.test_results) latest.set(`${result.stage}\u0000${result.suite}`, result);
  if (latest.size === 0) return "<p>No test results are recorded yet.</p>";
  const byStage = new Map<string, Map<string, number>>();
  for (const { stage, status } of latest.values()) {
    const counts = byStage.get(stage) ?? new Map<string, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    byStage.set(stage, counts);
  }
  const items = [...byStage].map(([stage, counts]) => {
    const parts = [...counts].map(([status, count]) => `${count} ${status}`).join(", ");
    return `<li>${escapeHtml(STAGE_WORDS[stage] ?? stage)}: ${escapeHtml(parts)}</li>`;
  });
  return `<ul>${items.join("")}</ul>`;
}

function changeLog(data: ApprovalPageData): string {
  // The client sees the public entries only, as on the release notes (internal chores stay internal).
  const entries = data.change_log.filter((entry) => entry.summary.trim() !== "" && isPublicChange(entry));
  if (entries.length === 0) return "<p>No client-facing changes are listed.</p>";
  return `<ul>${entries
    .map(
      (entry) =>
        `<li>${entry.kind ? `<strong>${escapeHtml(entry.kind)}:</strong> ` : ""}${escapeHtml(entry.summary)}</li>`,
    )
    .join("")}</ul>`;
}

function releaseFacts(data: ApprovalPageData): string {
  return [
    `<p>“${escapeHtml(data.title)}”</p>`,
    '<dl class="facts">',
    `<dt>Client</dt><dd>${escapeHtml(data.client_name)}</dd>`,
    `<dt>Project</dt><dd>${escapeHtml(data.project_name)}</dd>`,
    `<dt>Version</dt><dd>${escapeHtml(data.version)}</dd>`,
    `<dt>Deployment window</dt><dd>${escapeHtml(windowText(data))}</dd>`,
    "</dl>",
    data.message
      ? `<h2>Message from ${escapeHtml(data.agency_name)}</h2><blockquote>${escapeHtml(data.message)}</blockquote>`
      : "",
    "<h2>What changes</h2>",
    changeLog(data),
    "<h2>Test results</h2>",
    testSummary(data),
  ].join("\n");
}

function answerForm(data: ApprovalPageData): string {
  const [yes, no] =
    data.kind === "uat"
      ? [
          { value: "passed", label: "It passes" },
          { value: "failed", label: "It fails" },
        ]
      : [
          { value: "approved", label: "Approve" },
          { value: "changes_requested", label: "Request changes" },
        ];
  return [
    '<form method="post">',
    `<h2>${data.kind === "uat" ? "Your verdict" : "Your decision"}</h2>`,
    '<label for="note">Note (optional)</label>',
    '<textarea id="note" name="note" maxlength="4000"></textarea>',
    '<div class="actions">',
    `<button type="submit" name="decision" value="${yes.value}">${yes.label}</button>`,
    `<button type="submit" name="decision" value="${no.value}">${no.label}</button>`,
    "</div>",
    `<p>This link works once, until ${escapeHtml(localTime(data.expires_at, data.timezone))}.</p>`,
    "</form>",
  ].join("\n");
}

/** The page with the answer form, for a pending request. */
export function renderApprovalPage(data: ApprovalPageData): string {
  return page({
    title: heading(data),
    noindex: true,
    head: APPROVAL_STYLE,
    body: [
      `<header><p>${escapeHtml(data.agency_name)}</p></header>`,
      `<h1>${escapeHtml(heading(data))}</h1>`,
      releaseFacts(data),
      answerForm(data),
      footer(data),
    ].join("\n"),
  });
}

/** After an answer (just now, or when the link is opened again): what was recorded, and when. */
export function renderAnsweredPage(data: ApprovalPageData, decision: string, decidedAt: string): string {
  return page({
    title: "Thank you",
    noindex: true,
    head: APPROVAL_STYLE,
    body: [
      `<header><p>${escapeHtml(data.agency_name)}</p></header>`,
      `<h1>${escapeHtml(heading(data))}</h1>`,
      `<p class="ok" role="status">Thank you. Your answer is recorded: ${escapeHtml(
        DECISION_WORDS[decision] ?? decision,
      )}, ${escapeHtml(localTime(decidedAt, data.timezone))}.</p>`,
      `<p>${escapeHtml(data.agency_name)} can see your answer now. This link cannot be used again.</p>`,
      footer(data),
    ].join("\n"),
  });
}

/** A link that cannot take an answer: withdrawn, expired, or the release has moved on. */
export function renderClosedLinkPage(
  data: ApprovalPageData | null,
  headline: string,
  detail: string,
): string {
  return page({
    title: headline,
    noindex: true,
    head: APPROVAL_STYLE,
    body: [
      data ? `<header><p>${escapeHtml(data.agency_name)}</p></header>` : "",
      `<h1>${escapeHtml(headline)}</h1>`,
      `<p>${escapeHtml(detail)}</p>`,
      data ? footer(data) : "",
    ].join("\n"),
  });
}
