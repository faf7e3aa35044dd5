import { release } from "./release-examples";
import { BASE_URL, ids, names, pageOf, times } from "./world";

// Examples for CI integrations and their deliveries, client contacts, a release's communication
// list, the email outbox and the webhook receipts.

const stageMap = { "Staging tests": "staging", "Smoke tests": "smoke", production: "deployment" };

const integration = {
  id: ids.integration,
  provider: "github",
  name: "GitHub — harbourbikes-web",
  project_ids: [ids.project],
  stage_map: stageMap,
  receiver_url: `${BASE_URL}/hooks/${ids.integration}`,
  enabled: true,
  previous_secret_expires_at: null,
  created_at: "2026-11-05T03:10:00.000Z",
  updated_at: "2026-11-05T03:10:00.000Z",
};

const webhookSecret = "3f9a1c7e5b2d8f40a6c1e9b7d3f5a2c8e0b4d6f8a1c3e5b7d9f0a2c4e6b8d0f2";

const delivery = {
  id: ids.webhookDelivery,
  delivery_id: "7c5e4a10-d36b-11f0-8e7a-2b1f9c4d5e6a",
  event_type: "workflow_run",
  outcome: "applied",
  reason: null,
  release_id: ids.release,
  received_at: "2026-12-02T06:14:50.000Z",
  processed_at: "2026-12-02T06:14:51.000Z",
};

const contact = {
  id: ids.contact,
  client_id: ids.client,
  name: names.contact,
  email: names.contactEmail,
  role: "Marketing lead",
  consent: {
    basis: "express",
    obtained_at: "2026-10-28T00:00:00.000Z",
    method: "Signed statement of work, clause 9.2 (release notifications)",
    evidence: "https://paddockandpixel.sharepoint.com/sites/clients/harbour-bikes/sow-2026.pdf",
  },
  purpose: "Release notifications for harbourbikes.com.au",
  unsubscribed_at: null,
  suppressed_at: null,
  suppression_reason: null,
  erased_at: null,
  created_at: "2026-11-03T01:30:00.000Z",
  updated_at: "2026-11-03T01:30:00.000Z",
};

const notification = {
  id: ids.notification,
  release_id: ids.release,
  event: "release_scheduled",
  classification: "factual",
  recipient: { kind: "contact", contact_id: ids.contact, member_id: null, address: names.contactEmail },
  subject: "Harbour Bikes 2.4.0 is scheduled for Tue 8 Dec, 10:00 pm",
  status: "sent",
  skip_reason: null,
  cancel_reason: null,
  cancelled_by: null,
  skip_detail: null,
  attempts: 1,
  next_attempt_at: null,
  last_error: null,
  sent_at: "2026-12-03T05:03:02.000Z",
  created_at: times.now,
};

const queuedNotification = {
  ...notification,
  id: ids.secondNotification,
  event: "release_deployed",
  subject: "Harbour Bikes 2.4.0 is live",
  status: "queued",
  attempts: 0,
  next_attempt_at: "2026-12-08T12:31:00.000Z",
  sent_at: null,
};

const notificationPage = pageOf([notification, queuedNotification]);

export const deliveryExamples: Record<string, unknown> = {
  Integration: integration,
  IntegrationPage: pageOf([integration]),
  IntegrationCreate: {
    provider: "github",
    name: "GitHub — harbourbikes-web",
    project_ids: [ids.project],
    stage_map: stageMap,
  },
  IntegrationPatch: { stage_map: { ...stageMap, "UAT sign-off": "uat" } },
  IntegrationWithSecret: { ...integration, secret: webhookSecret },
  IntegrationRotateSecret: { overlap_hours: 24 },
  WebhookDeliveryPage: {
    ...pageOf([delivery]),
    counts_last_7_days: { received: 0, applied: 41, duplicate: 2, ignored: 17, rejected: 1 },
  },
  Contact: contact,
  ContactPage: pageOf([contact]),
  ContactCreate: {
    name: names.contact,
    email: names.contactEmail,
    role: "Marketing lead",
    client_id: ids.client,
    consent: {
      basis: "express",
      obtained_at: "2026-10-28T00:00:00.000Z",
      method: "Signed statement of work, clause 9.2 (release notifications)",
    },
    purpose: "Release notifications for harbourbikes.com.au",
  },
  ContactPatch: { role: "Head of marketing" },
  ContactExport: {
    generated_at: times.now,
    contact,
    communication_lists: [{ release_id: ids.release, role: "Marketing lead" }],
    messages: [
      {
        id: ids.notification,
        release_id: ids.release,
        event: "release_scheduled",
        classification: "factual",
        status: "sent",
        skip_reason: null,
        to_address: names.contactEmail,
        subject: notification.subject,
        body_text: "Hi Sophie, Harbour Bikes 2.4.0 (Summer sale landing pages) is scheduled for …",
        sent_at: notification.sent_at,
        created_at: notification.created_at,
      },
    ],
    notes: ["Audit events hold member ids only; this contact appears in none."],
  },
  Recipients: {
    release_id: ids.release,
    recipients: [
      {
        kind: "contact",
        contact_id: ids.contact,
        member_id: null,
        role: "Marketing lead",
        name: names.contact,
        email: names.contactEmail,
        will_receive: { factual: true, commercial: false, reason: "Consent covers factual messages only." },
      },
      {
        kind: "member",
        contact_id: null,
        member_id: ids.releaseManager,
        role: "Release manager",
        name: names.releaseManager,
        email: names.releaseManagerEmail,
        will_receive: { factual: true, commercial: false, reason: null },
      },
    ],
  },
  RecipientsPut: {
    contacts: [{ contact_id: ids.contact, role: "Marketing lead" }],
    members: [{ member_id: ids.releaseManager, role: "Release manager" }],
  },
  ReleaseAfterRecipients: {
    ...release,
    row_version: 8,
    result: { release_id: ids.release, contacts: 1, members: 1 },
  },
  NotificationDetail: {
    ...notification,
    rendered: {
      subject: notification.subject,
      text: "Hi Sophie,\n\nHarbour Bikes 2.4.0 (Summer sale landing pages) is scheduled for Tue 8 Dec 2026, 10:00–11:30 pm (Sydney time).\n\nPaddock & Pixel",
      html: "<p>Hi Sophie,</p><p>Harbour Bikes 2.4.0 (Summer sale landing pages) is scheduled for Tue 8 Dec 2026, 10:00–11:30 pm (Sydney time).</p><p>Paddock &amp; Pixel</p>",
      preview: false,
    },
  },
  CancelNotification: { reason: "Sophie is on leave; Harbour Bikes asked us to hold client emails." },
  CancelReleaseNotifications: {
    reason: "Launch moved to January; the client will announce it themselves.",
    message_ids: [ids.secondNotification],
  },
  ReleaseAfterCancellation: { ...release, row_version: 9, result: { cancelled: [ids.secondNotification] } },
  EmailEventReceipt: { outcome: "suppressed", reason: "Permanent bounce: the mailbox does not exist." },
  WebhookReceipt: { delivery_id: delivery.delivery_id, outcome: "received", reason: null },
};

/** GET /v1/notifications answers a page with the outbox's state beside it. */
export const notificationListExample = {
  ...notificationPage,
  email_configured: true,
  note: null,
};
