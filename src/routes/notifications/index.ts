import { createRouter } from "../../app/create-app";
import * as h from "./handlers";
import * as r from "./routes";

/** A release's communication list and the record of what was sent, to whom, and why not. */
export const notificationsRouter = createRouter()
  .openapi(r.getRecipients, h.getRecipientsHandler)
  .openapi(r.putRecipients, h.putRecipientsHandler)
  .openapi(r.listNotifications, h.listNotificationsHandler)
  .openapi(r.getNotification, h.getNotificationHandler)
  .openapi(r.cancelNotification, h.cancelNotificationHandler)
  .openapi(r.cancelReleaseNotifications, h.cancelReleaseNotificationsHandler);
