import type { AppContext } from "../../app/context";
import { createRouter } from "../../app/create-app";
import {
  createReportLinkHandler,
  deleteReportLinkHandler,
  getClientReportHandler,
  getReportLinkHandler,
  invalidReportLink,
  listReportLinksHandler,
  showSharedReportHandler,
} from "./handlers";
import {
  createReportLink,
  deleteReportLink,
  getClientReport,
  getReportLink,
  listReportLinks,
  showSharedReport,
} from "./routes";

// A malformed share token gets the same page as any other invalid link, not a problem document.
const invalidWhenMalformed = (result: { success: boolean }, c: AppContext) =>
  result.success ? undefined : (invalidReportLink(c) as never);

export const clientReportsRouter = createRouter()
  .openapi(getClientReport, getClientReportHandler)
  .openapi(createReportLink, createReportLinkHandler)
  .openapi(listReportLinks, listReportLinksHandler)
  .openapi(getReportLink, getReportLinkHandler)
  .openapi(deleteReportLink, deleteReportLinkHandler)
  .openapi(showSharedReport, showSharedReportHandler, invalidWhenMalformed);
