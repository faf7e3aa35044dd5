import { sql } from "drizzle-orm";
import { Resend } from "resend";
import type { DatabaseHandle } from "../db/client";
import { inSystemScope } from "../db/scope";
import {
  type ApprovalAsk,
  type Classification,
  type ConsentBasis,
  composeMessage,
  decideSend,
  firstName,
  headerText,
  isRetryable,
  MAX_SEND_ATTEMPTS,
  type NotificationEvent,
  retryDelaySeconds,
  type SkipReason,
} from "../domain/notifications";
import { redactApprovalLinks } from "../lib/redact";
import { signApprovalLink } from "../releases/approval-link-token";
import { type EmailSettings, fromAddress } from "./settings";
import { signUnsubscribeToken } from "./unsubscribe-token";

export interface DrainOptions {
  now: Date;
  /** Only this release's messages (the waitUntil kick after a command). */
  releaseId?: string | undefined;
  limit?: number | undefined;
  /** A provider call slower than this is abandoned and retried later (same idempotency key). */
  timeoutMs?: number | undefined;
}

export interface DrainReport {
  email_configured: boolean;
  claimed: number;
  sent: number;
  skipped: number;
  retrying: number;
  /** Given up: the provider refused permanently, or every retry failed. */
  failed: number;
}

/** While one drain sends a message, no other drain may claim it. Longer than any send can take. */
const LEASE_SECONDS = 300;
const DEFAULT_BATCH = 100;
const DEFAULT_TIMEOUT_MS = 10_000;

interface ClaimedMessage {
  id: string;
  tenant_id: string;
  attempts: number;
}

/**
 * Claims due messages (queued, or retrying and due again) by moving their
 * next attempt past a lease, in one statement with SKIP LOCKED: two drains — the
 * cron and a waitUntil kick — never hold the same message. Uses the partial
 * due index.
 */
async function claim(database: DatabaseHandle, options: DrainOptions): Promise<ClaimedMessage[]> {
  const { now } = options;
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  return inSystemScope(database, async (tx) => {
    const result = await tx.execute(sql`
      update outbox_messages o
      set attempts = o.attempts + 1, next_attempt_at = ${lease}, updated_at = ${now}
      where o.id in (
        select id from outbox_messages
        where status in ('queued', 'retrying') and next_attempt_at <= ${now}
          ${options.releaseId ? sql`and release_id = ${options.releaseId}` : sql``}
        order by next_attempt_at
        limit ${options.limit ?? DEFAULT_BATCH}
        for update skip locked)
      returning o.id, o.tenant_id, o.attempts`);
    return result.rows as unknown as ClaimedMessage[];
  });
}

interface MessageContext {
  id: string;
  tenant_id: string;
  release_id: string | null;
  contact_id: string | null;
  member_id: string | null;
  event: NotificationEvent;
  classification: Classification;
  status: string;
  subject: string;
  to_address: string | null;
  body_text: string | null;
  body_html: string | null;
  created_at: string;
  agency_name: string;
  sender_name: string | null;
  sender_email: string | null;
  sender_email_confirmed: boolean;
  sender_phone: string | null;
  sender_postal_address: string | null;
  tenant_slug: string;
  project_slug: string | null;
  project_name: string | null;
  version: string | null;
  title: string | null;
  notes_markdown: string | null;
  notes_published: boolean;
  timezone: string;
  window_starts_at: string | null;
  person_name: string | null;
  email: string | null;
  consent_basis: ConsentBasis;
  unsubscribed: boolean;
  suppressed: boolean;
  erased: boolean;
  on_list: boolean;
  /** The person's link epoch: their unsubscribe links carry it, and raising it revokes the old ones. */
  link_epoch: number;
  /** For `approval_requested`: the request the email carries the link of, and whether it still waits. */
  approval_request_id: string | null;
  approval_kind: "sign_off" | "uat" | null;
  approval_message: string | null;
  approval_expires_at: string | null;
  approval_pending: boolean | null;
}

async function loadMessage(database: DatabaseHandle, id: string): Promise<MessageContext | undefined> {
  return inSystemScope(database, async (tx) => {
    const result = await tx.execute(sql`
      select o.id, o.tenant_id, o.release_id, o.contact_id, o.member_id, o.event, o.classification, o.status,
        o.approval_request_id, ar.kind as approval_kind, ar.message as approval_message,
        to_char(ar.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as approval_expires_at,
        (ar.status = 'pending' and ar.expires_at > now()) as approval_pending,
        o.subject, o.to_address, o.body_text, o.body_html,
        to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
        t.name as agency_name, t.sender_name, t.sender_email, t.sender_phone, t.sender_postal_address,
        (t.sender_email_confirmed_at is not null) as sender_email_confirmed,
        t.slug as tenant_slug, p.slug as project_slug, p.name as project_name, r.version, r.title,
        r.notes_markdown, (r.notes_published_at is not null) as notes_published,
        coalesce(cl.timezone, t.timezone) as timezone,
        to_char(r.window_starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as window_starts_at,
        coalesce(c.name, m.name) as person_name,
        coalesce(c.email, m.email) as email,
        coalesce(c.link_epoch, m.link_epoch, 0) as link_epoch,
        case when o.member_id is not null then 'inferred' else coalesce(c.consent_basis, 'none') end as consent_basis,
        (c.unsubscribed_at is not null) as unsubscribed,
        (c.suppressed_at is not null) as suppressed,
        (c.erased_at is not null or m.deactivated_at is not null
          or (o.contact_id is not null and c.id is null)) as erased,
        (o.event in ('rollback_decision_required', 'approval_requested', 'webhook_endpoint_disabled') or exists (select 1 from release_recipients rr
          where rr.tenant_id = o.tenant_id and rr.release_id = o.release_id
            and (rr.contact_id = o.contact_id or rr.member_id = o.member_id))) as on_list
      from outbox_messages o
      join tenants t on t.id = o.tenant_id
      left join releases r on r.tenant_id = o.tenant_id and r.id = o.release_id
      left join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
      left join clients cl on cl.tenant_id = p.tenant_id and cl.id = p.client_id
      left join contacts c on c.tenant_id = o.tenant_id and c.id = o.contact_id
      left join members m on m.tenant_id = o.tenant_id and m.id = o.member_id
      left join approval_requests ar on ar.tenant_id = o.tenant_id and ar.id = o.approval_request_id
      where o.id = ${id}`);
    return result.rows[0] as MessageContext | undefined;
  });
}

/**
 * Records the outcome of the attempt this drain claimed. Only that attempt:
 * if its lease ran out and another drain claimed the message again (attempts
 * moved on), this drain's late outcome must not overwrite the newer one. A
 * message cancelled while this attempt was in flight stays cancelled unless
 * the attempt actually sent it (then `sent` is the truth).
 */
async function settle(
  database: DatabaseHandle,
  id: string,
  claimedAttempts: number,
  now: Date,
  changes:
    | { status: "sent"; providerMessageId: string | null }
    | { status: "skipped" | "failed"; reason: SkipReason; lastError?: string }
    | { status: "retrying"; nextAttemptAt: Date; lastError: string },
): Promise<void> {
  await inSystemScope(database, async (tx) => {
    if (changes.status === "sent") {
      await tx.execute(sql`
        update outbox_messages set status = 'sent', sent_at = ${now}, provider_message_id = ${changes.providerMessageId},
          last_error = null, skip_reason = null, updated_at = ${now}
        where id = ${id} and attempts = ${claimedAttempts}`);
    } else if (changes.status === "retrying") {
      await tx.execute(sql`
        update outbox_messages set status = 'retrying', next_attempt_at = ${changes.nextAttemptAt},
          last_error = ${changes.lastError}, updated_at = ${now}
        where id = ${id} and attempts = ${claimedAttempts} and status in ('queued', 'retrying')`);
    } else {
      await tx.execute(sql`
        update outbox_messages set status = ${changes.status}, skip_reason = ${changes.reason},
          last_error = ${changes.lastError ?? null}, updated_at = ${now}
        where id = ${id} and attempts = ${claimedAttempts} and status in ('queued', 'retrying')`);
    }
  });
}

/** The unsubscribe link written into a message's text, reused for its List-Unsubscribe header on retries. */
const UNSUBSCRIBE_LINE = /Unsubscribe \(one click, no login\): (\S+)/;

/**
 * Composes the message the first time it is attempted (address, bodies) and keeps
 * it: a retry must send exactly the same request under the same idempotency key.
 * The unsubscribe token is stamped with the message's creation time, so it is the
 * same whenever it is composed.
 */
async function prepare(
  database: DatabaseHandle,
  settings: EmailSettings,
  message: MessageContext,
  now: Date,
): Promise<ComposedEmail> {
  const stored = storedEmail(message);
  if (stored) return withApprovalLink(settings, message, stored);
  const composed = await compose(settings, message);
  // An approval link lets its holder answer as the client: it is kept out of the stored copy (which
  // the agency can read back and a contact export returns) and signed again for each attempt,
  // identically, since its issue time is the message's.
  await inSystemScope(database, (tx) =>
    tx.execute(sql`
      update outbox_messages set to_address = ${composed.to}, subject = ${composed.subject},
        body_text = ${redactApprovalLinks(composed.text)}, body_html = ${redactApprovalLinks(composed.html)},
        updated_at = ${now}
      where id = ${message.id}`),
  );
  return composed;
}

async function withApprovalLink(
  settings: EmailSettings,
  message: MessageContext,
  stored: ComposedEmail,
): Promise<ComposedEmail> {
  const ask = await approvalAsk(settings, message);
  if (!ask) return stored;
  const path = new URL(ask.url).pathname;
  const restore = (text: string) => text.replaceAll("/a/[redacted]", path);
  return { ...stored, text: restore(stored.text), html: restore(stored.html) };
}

interface ComposedEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl: string;
}

/**
 * The message as it will be (or was) sent: the stored composition once it has been attempted,
 * else composed now without storing anything. For GET /v1/notifications/{id}; the caller has
 * already checked that the message belongs to the reader's agency.
 */
export async function renderStoredOrPreview(
  database: DatabaseHandle,
  settings: EmailSettings,
  id: string,
): Promise<(ComposedEmail & { preview: boolean }) | null> {
  const message = await loadMessage(database, id);
  if (!message) return null;
  const stored = storedEmail(message);
  if (stored) return { ...stored, preview: false };
  // Erased or retention-blanked messages are not recomposed.
  if (message.erased || message.status === "sent") return null;
  return { ...(await compose(settings, message)), preview: true };
}

function storedEmail(message: MessageContext): ComposedEmail | null {
  if (message.to_address && message.body_text && message.body_html) {
    const url = UNSUBSCRIBE_LINE.exec(message.body_text)?.[1];
    if (url) {
      return {
        to: message.to_address,
        subject: message.subject,
        text: message.body_text,
        html: message.body_html,
        unsubscribeUrl: url,
      };
    }
  }
  return null;
}

/** The approval link, signed again for the request (the URL the agency saw is never stored). */
async function approvalAsk(settings: EmailSettings, message: MessageContext): Promise<ApprovalAsk | null> {
  if (message.event !== "approval_requested" || !message.approval_request_id) return null;
  if (!message.approval_kind || !message.approval_expires_at) return null;
  const token = await signApprovalLink(
    settings.linkKeys,
    { tenantId: message.tenant_id, requestId: message.approval_request_id },
    new Date(message.approval_expires_at),
    new Date(message.created_at),
  );
  return {
    kind: message.approval_kind,
    url: `${settings.publicBaseUrl}/a/${token}`,
    expires_at: message.approval_expires_at,
    message: message.approval_message,
  };
}

async function compose(settings: EmailSettings, message: MessageContext): Promise<ComposedEmail> {
  const subjectId = message.contact_id
    ? { tenantId: message.tenant_id, contactId: message.contact_id }
    : { tenantId: message.tenant_id, memberId: message.member_id ?? "" };
  const token = await signUnsubscribeToken(
    settings.linkKeys,
    subjectId,
    new Date(message.created_at),
    message.link_epoch,
  );
  const unsubscribeUrl = `${settings.publicBaseUrl}/u/${token}`;
  const notesUrl =
    message.notes_published && message.project_slug && message.version
      ? `${settings.publicBaseUrl}/r/${encodeURIComponent(message.tenant_slug)}/${encodeURIComponent(
          message.project_slug,
        )}/${encodeURIComponent(message.version)}`
      : null;
  const composed = composeMessage({
    event: message.event,
    classification: message.classification,
    sender: {
      name: message.sender_name ?? message.agency_name,
      email: message.sender_email,
      phone: message.sender_phone,
      postal_address: message.sender_postal_address,
    },
    release: {
      project_name: message.project_name ?? "",
      version: message.version ?? "",
      title: message.title ?? "",
      timezone: message.timezone,
      window_starts_at: message.window_starts_at,
      occurred_at: message.created_at,
      notes_markdown: message.notes_markdown,
      notes_url: notesUrl,
    },
    first_name: firstName(message.person_name),
    unsubscribe_url: unsubscribeUrl,
    approval: await approvalAsk(settings, message),
  });
  return { to: message.email ?? "", ...composed, unsubscribeUrl };
}

/**
 * Sends what is due through Resend. Each message is decided again against the
 * recipient as they are now (consent, unsubscribe, suppression, erasure, still
 * on the list), sent with its outbox id as the idempotency key, and settled:
 * sent; skipped with a reason; retrying with exponential backoff after
 * timeouts, network errors, 429 and 5xx; failed when the provider refuses it
 * permanently or MAX_SEND_ATTEMPTS attempts have failed.
 * Without an API key nothing is claimed: messages stay queued.
 */
export async function drainOutbox(
  database: DatabaseHandle,
  settings: EmailSettings,
  options: DrainOptions,
): Promise<DrainReport> {
  const report: DrainReport = {
    email_configured: !!settings.apiKey,
    claimed: 0,
    sent: 0,
    skipped: 0,
    retrying: 0,
    failed: 0,
  };
  if (!settings.apiKey) return report;
  const claimed = await claim(database, options);
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;
  const resend = settings.baseUrl
    ? new Resend(settings.apiKey, { baseUrl: settings.baseUrl })
    : new Resend(settings.apiKey);
  for (const { id, attempts } of claimed) {
    const outcome = await sendOne(database, resend, settings, id, attempts, options);
    report[outcome]++;
  }
  return report;
}

async function sendOne(
  database: DatabaseHandle,
  resend: Resend,
  settings: EmailSettings,
  id: string,
  attempts: number,
  options: DrainOptions,
): Promise<"sent" | "skipped" | "retrying" | "failed"> {
  const { now } = options;
  const message = await loadMessage(database, id);
  if (!message || (message.status !== "queued" && message.status !== "retrying")) return "skipped";
  const decision =
    message.event === "approval_requested" && !message.approval_pending
      ? ({ send: false, reason: "approval_no_longer_pending" } as const)
      : message.on_list
        ? decideSend(message.classification, message)
        : ({ send: false, reason: "no_longer_recipient" } as const);
  if (!decision.send) {
    await settle(database, id, attempts, now, { status: "skipped", reason: decision.reason });
    return "skipped";
  }
  const email = await prepare(database, settings, message, now);
  const { data, error } = await resend.emails.send(
    {
      from: fromAddress(message.sender_name ?? message.agency_name, settings.emailFrom),
      to: [email.to],
      // Replies reach the agency only at an address it proved it controls.
      ...(message.sender_email && message.sender_email_confirmed ? { replyTo: message.sender_email } : {}),
      subject: headerText(email.subject),
      text: email.text,
      html: email.html,
      headers: {
        "List-Unsubscribe": `<${email.unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    },
    { idempotencyKey: id, signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
  );
  if (data?.id) {
    await settle(database, id, attempts, now, { status: "sent", providerMessageId: data.id });
    return "sent";
  }
  const statusCode = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const name = (error as { name?: string } | null)?.name ?? "unknown_error";
  // Only the status and the error's name: the provider's message may quote the address.
  const lastError = `${statusCode ?? "no response"} ${name}`.slice(0, 200);
  const concurrent = statusCode === 409 && name === "concurrent_idempotent_requests";
  if (isRetryable(statusCode) || concurrent) {
    if (attempts >= MAX_SEND_ATTEMPTS) {
      await settle(database, id, attempts, now, {
        status: "failed",
        reason: "gave_up_after_retries",
        lastError,
      });
      return "failed";
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelaySeconds(attempts) * 1000);
    await settle(database, id, attempts, now, { status: "retrying", nextAttemptAt, lastError });
    return "retrying";
  }
  await settle(database, id, attempts, now, { status: "failed", reason: "rejected_by_provider", lastError });
  return "failed";
}
