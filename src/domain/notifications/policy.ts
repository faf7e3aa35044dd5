/**
 * Notification policy as plain data (Spam Act 2003, Privacy Act APPs): which
 * messages are commercial, who may receive them, and why a message is not sent.
 * Pure: the outbox (src/notifications) calls these when it queues a message and
 * again at send time, so a consent withdrawn in between is honoured.
 */

export const NOTIFICATION_EVENTS = [
  "release_scheduled",
  "window_opened",
  "deployed",
  "rolled_back",
  "rollback_failed",
  "notes_published",
  // To the release manager and owners only (not the communication list): a failure awaits them.
  "rollback_decision_required",
  // To one client contact: their sign-off or UAT verdict, asked for by signed link.
  "approval_requested",
  // To the agency's owners: one of its webhook endpoints failed for three days and was disabled.
  "webhook_endpoint_disabled",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export type Classification = "factual" | "commercial";

export type ConsentBasis = "express" | "inferred" | "none";

export const SKIP_REASONS = [
  "no_consent",
  "unsubscribed",
  "suppressed",
  "erased",
  "no_address",
  "rejected_by_provider",
  "gave_up_after_retries",
  "no_longer_recipient",
  "approval_no_longer_pending",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  no_consent:
    "A commercial message needs the recipient's express or inferred consent (Spam Act s16); none is recorded.",
  unsubscribed: "The recipient unsubscribed.",
  suppressed: "The address bounced or its owner complained; it is suppressed.",
  erased: "The recipient's personal data was erased on request.",
  no_address: "There is no email address for the recipient.",
  rejected_by_provider: "The email provider refused the message permanently.",
  gave_up_after_retries: "The email provider could not be reached after every retry.",
  no_longer_recipient:
    "The recipient left the release's communication list (or the team) before it was sent.",
  approval_no_longer_pending:
    "The approval request was answered, withdrawn or expired before its email could be sent.",
};

export interface ReleaseFactsForClassification {
  /** Kinds of the change log entries (feature, fix, content, …). */
  change_kinds: readonly (string | null)[];
  touches_pricing_promotions_or_claims: boolean;
}

/** Change kinds that only repair or maintain: notes listing nothing else announce nothing new. */
const FACTUAL_CHANGE_KINDS = new Set(["fix", "bugfix", "security", "chore", "maintenance"]);

/**
 * A status report about a release ("2.3 was deployed at 22:14") is factual. Release notes that
 * announce features, or a release that touches pricing, promotions or claims, promote the
 * client's goods or services: that makes the message commercial, and commercial needs consent.
 * Fix-only release notes stay factual.
 */
export function classify(event: NotificationEvent, facts: ReleaseFactsForClassification): Classification {
  if (event !== "notes_published") return "factual";
  if (facts.touches_pricing_promotions_or_claims) return "commercial";
  return facts.change_kinds.some((kind) => !FACTUAL_CHANGE_KINDS.has((kind ?? "").toLowerCase()))
    ? "commercial"
    : "factual";
}

/** What the policy needs to know about a recipient; no name is needed to decide. */
export interface RecipientFacts {
  email: string | null;
  consent_basis: ConsentBasis;
  unsubscribed: boolean;
  suppressed: boolean;
  erased: boolean;
}

export type SendDecision = { send: true } | { send: false; reason: SkipReason };

/** Decides whether one message may go to one recipient, most decisive reason first. */
export function decideSend(classification: Classification, recipient: RecipientFacts): SendDecision {
  if (recipient.erased) return { send: false, reason: "erased" };
  if (!recipient.email) return { send: false, reason: "no_address" };
  if (recipient.suppressed) return { send: false, reason: "suppressed" };
  if (recipient.unsubscribed) return { send: false, reason: "unsubscribed" };
  if (classification === "commercial" && recipient.consent_basis === "none") {
    return { send: false, reason: "no_consent" };
  }
  return { send: true };
}

/** `olivia@harbour.example` → `o***@h***.example`: enough to recognise, not to harvest. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${local[0]}***@${host[0] ?? ""}***${tld}`;
}

/** Emails carry the first name at most (data minimisation). */
export function firstName(name: string | null): string | null {
  const first = name?.trim().split(/\s+/)[0];
  return first ? first : null;
}

/** Exponential backoff for the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, … capped at 1 h. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** Attempts before a message that keeps failing is settled as failed (`gave_up_after_retries`): about an hour of retries. */
export const MAX_SEND_ATTEMPTS = 8;

/** Whether a provider failure is worth retrying: timeouts, network errors, 429 and 5xx. */
export function isRetryable(statusCode: number | null): boolean {
  return statusCode === null || statusCode === 429 || statusCode >= 500;
}
