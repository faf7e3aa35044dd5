import { headerText } from "./headers";
import { escapeHtml, markdownToText, renderMarkdown } from "./markdown";
import type { Classification, NotificationEvent } from "./policy";

/** Spam Act s17: who sends, and how to reach them (valid for at least 30 days after sending). */
export interface SenderIdentity {
  /** The agency's sender name, else its name. */
  name: string;
  email: string | null;
  phone: string | null;
  postal_address: string | null;
}

export interface ReleaseFacts {
  project_name: string;
  version: string;
  title: string;
  timezone: string;
  window_starts_at: string | null;
  /** When the event happened (RFC 3339). */
  occurred_at: string;
  notes_markdown: string | null;
  notes_url: string | null;
}

/** The client's decision an `approval_requested` message asks for, with its link. */
export interface ApprovalAsk {
  kind: "sign_off" | "uat";
  url: string;
  expires_at: string;
  /** The agency's note to the client, as they wrote it. */
  message: string | null;
}

export interface ComposeInput {
  event: NotificationEvent;
  classification: Classification;
  sender: SenderIdentity;
  release: ReleaseFacts;
  /** First name at most: emails carry no other personal data. */
  first_name: string | null;
  unsubscribe_url: string;
  approval?: ApprovalAsk | null;
}

export interface ComposedMessage {
  subject: string;
  text: string;
  html: string;
}

/** Subjects carry release facts only, never personal data: they are kept in the outbox history. */
export function subjectFor(event: NotificationEvent, projectName: string, version: string): string {
  const name = headerText(`${projectName} ${version}`);
  switch (event) {
    case "release_scheduled":
      return `${name} is scheduled`;
    case "window_opened":
      return `${name}: deployment starting`;
    case "deployed":
      return `${name} was deployed`;
    case "rolled_back":
      return `${name} was rolled back`;
    case "rollback_failed":
      return `Action needed: the rollback of ${name} did not complete`;
    case "notes_published":
      return `${name}: release notes`;
    case "rollback_decision_required":
      return `Action needed: ${name} failed in production; decide on a rollback`;
    case "approval_requested":
      return `Your approval is requested: ${name}`;
    case "webhook_endpoint_disabled":
      return "Action needed: a webhook endpoint was disabled";
  }
}

/**
 * A time as a person in the client's (else the agency's) zone reads it, e.g. "Tuesday 8 June 2027,
 * 10:00 pm AWST". (Intl refuses `timeZoneName` together with `dateStyle`/`timeStyle`, so the parts
 * are named one by one.)
 */
export function localTime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  try {
    const parts = new Intl.DateTimeFormat("en-AU", {
      timeZone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "numeric",
      minute: "2-digit",
      hour12: true,
      timeZoneName: "short",
    }).formatToParts(at);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}, ${part("hour")}:${part("minute")} ${part("dayPeriod").toLowerCase()} ${part("timeZoneName")}`;
  } catch {
    // An unknown zone cannot happen (zones are validated on write); say UTC plainly rather than fail.
    return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  }
}

function headline(input: ComposeInput): { lines: string[] } {
  const { release } = input;
  const name = `${release.project_name} ${release.version}`;
  const at = localTime(release.occurred_at, release.timezone);
  switch (input.event) {
    case "release_scheduled":
      return {
        lines: [
          `Release ${release.version} of ${release.project_name} ("${release.title}") has been approved and is scheduled to deploy${
            release.window_starts_at ? ` at ${localTime(release.window_starts_at, release.timezone)}` : ""
          }.`,
        ],
      };
    case "window_opened":
      return {
        lines: [
          `The deployment window for ${name} ("${release.title}") opened at ${at}; deployment is starting.`,
        ],
      };
    case "deployed":
      return {
        lines: [`${name} ("${release.title}") was deployed at ${at} and is being verified in production.`],
      };
    case "rolled_back":
      return {
        lines: [`${name} ("${release.title}") was rolled back at ${at}; the previous version is live again.`],
      };
    case "rollback_failed":
      return {
        lines: [
          `The rollback of ${name} ("${release.title}") failed at ${at}. The release team is working on it; production may be partly restored.`,
        ],
      };
    case "notes_published":
      return {
        lines: [`The release notes for ${name} ("${release.title}") are published.`],
      };
    case "webhook_endpoint_disabled":
      return {
        lines: [
          `One of ${input.sender.name}'s webhook endpoints stopped receiving release events: every delivery to it failed for three days, so it was disabled.`,
          'GET /v1/webhook-endpoints shows which one and why. Fix the receiver, check it with POST /v1/webhook-endpoints/{id}/test, re-enable it with PATCH /v1/webhook-endpoints/{id} {"enabled": true}, and resend what it missed with POST /v1/webhook-endpoints/{id}/deliveries/{delivery_id}/retry.',
        ],
      };
    case "approval_requested": {
      const ask = input.approval;
      const what =
        ask?.kind === "uat"
          ? `Please try ${name} ("${release.title}") and tell us whether it passes your acceptance testing.`
          : `Please review ${name} ("${release.title}") and approve it for release, or ask for changes.`;
      return {
        lines: [
          what,
          ...(ask?.message ? [`Message from ${input.sender.name}: ${ask.message}`] : []),
          ...(ask
            ? [
                `The link below shows the release and takes your answer: no login needed; it works once, until ${localTime(ask.expires_at, release.timezone)}.`,
              ]
            : []),
        ],
      };
    }
    case "rollback_decision_required":
      return {
        lines: [
          `The deployment of ${name} ("${release.title}") failed at ${at} (a failed deployment or smoke test was reported). The release is waiting for the release manager's decision: roll back (POST /v1/releases/{id}/decisions with kind rollback), or fix it and report the deployment again. GET /v1/releases/{id} shows what failed and the recommendation.`,
        ],
      };
  }
}

function identification(sender: SenderIdentity): string[] {
  const contact = [sender.email, sender.phone, sender.postal_address].filter(
    (part): part is string => !!part,
  );
  return [`Sent by ${sender.name}.`, contact.length > 0 ? `Contact: ${contact.join(" · ")}` : ""].filter(
    Boolean,
  );
}

/** Subject, plain text and HTML of one message, with identification and an unsubscribe link. */
export function composeMessage(input: ComposeInput): ComposedMessage {
  const { lines } = headline(input);
  const subject = subjectFor(input.event, input.release.project_name, input.release.version);
  const greeting = input.first_name ? `Hi ${input.first_name},` : "Hello,";
  const notes =
    input.event === "notes_published" && input.release.notes_markdown ? input.release.notes_markdown : null;
  const approvalUrl = input.event === "approval_requested" ? (input.approval?.url ?? null) : null;
  const link = input.event === "notes_published" ? input.release.notes_url : null;
  const id = identification(input.sender);
  const why =
    input.classification === "commercial"
      ? "You receive this because you agreed to hear about releases of this project."
      : approvalUrl
        ? `You receive this because ${input.sender.name} asked for your decision on this release.`
        : "You receive this because you are on the communication list of this release.";

  const text = [
    greeting,
    "",
    ...lines,
    ...(notes ? ["", markdownToText(notes)] : []),
    ...(link ? ["", `Read them online: ${link}`] : []),
    ...(approvalUrl ? ["", `See the release and answer: ${approvalUrl}`] : []),
    "",
    "--",
    ...id,
    why,
    `Unsubscribe (one click, no login): ${input.unsubscribe_url}`,
  ].join("\n");

  const html = [
    "<!doctype html>",
    `<html lang="en-AU"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:40rem">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    notes ? `<div>${renderMarkdown(notes, 1)}</div>` : "",
    link ? `<p><a href="${escapeHtml(link)}">Read the release notes online</a></p>` : "",
    approvalUrl ? `<p><a href="${escapeHtml(approvalUrl)}">See the release and answer</a></p>` : "",
    '<hr><p style="font-size:0.875rem;color:#444">',
    id.map(escapeHtml).join("<br>"),
    `<br>${escapeHtml(why)}`,
    `<br><a href="${escapeHtml(input.unsubscribe_url)}">Unsubscribe</a> (one click, no login).</p>`,
    "</body></html>",
  ]
    .filter(Boolean)
    .join("\n");

  return { subject, text, html };
}
