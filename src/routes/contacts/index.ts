import { createRouter } from "../../app/create-app";
import * as h from "./handlers";
import * as r from "./routes";

/** Stakeholder contacts with consent, and the privacy rights over them (APP 12, 13, 11.2). */
export const contactsRouter = createRouter()
  .openapi(r.listContacts, h.listContactsHandler)
  .openapi(r.createContact, h.createContactHandler)
  .openapi(r.exportContact, h.exportContactHandler)
  .openapi(r.revokeContactLinks, h.revokeContactLinksHandler)
  .openapi(r.getContact, h.getContactHandler)
  .openapi(r.patchContact, h.patchContactHandler)
  .openapi(r.deleteContact, h.deleteContactHandler);
