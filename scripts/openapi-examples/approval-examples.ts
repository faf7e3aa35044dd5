import { BASE_URL, ids, pageOf } from "./world";

// A client sign-off asked of Sophie Walsh (Harbour Bikes' marketing lead) by link, and her answer.

const pending = {
  id: ids.approvalRequest,
  release_id: ids.release,
  attempt: 1,
  contact_id: ids.contact,
  kind: "sign_off",
  status: "pending",
  message: "Please check the summer sale pages on your phone before Tuesday night's window.",
  expires_at: "2026-12-06T05:02:19.000Z",
  decision: null,
  decision_note: null,
  decided_at: null,
  withdrawn_at: null,
  created_by: ids.releaseManager,
  created_at: "2026-12-03T05:02:19.000Z",
};

const decided = {
  ...pending,
  status: "decided",
  decision: "approved",
  decision_note: "Looks great on my phone. The 20 % banner is right.",
  decided_at: "2026-12-03T22:14:51.000Z",
};

export const approvalExamples: Record<string, unknown> = {
  ApprovalRequestCreate: {
    contact_id: ids.contact,
    kind: "sign_off",
    message: pending.message,
    expires_in_hours: 72,
  },
  IssuedApprovalRequest: {
    ...pending,
    url: `${BASE_URL}/a/eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiIwMWExOTk4ZS00NDAwIn0.Qm9va2luZy1zaWduZWQ`,
    email: { status: "queued", reason: null },
  },
  ApprovalRequest: decided,
  ApprovalRequestPage: pageOf([decided]),
};
