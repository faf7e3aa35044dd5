import type { AppContext } from "../../app/context";
import { createRouter } from "../../app/create-app";
import {
  answerApprovalPageHandler,
  createApprovalRequestHandler,
  getApprovalRequestHandler,
  invalidApprovalLink,
  listApprovalRequestsHandler,
  showApprovalPageHandler,
  unofferedAnswer,
  withdrawApprovalRequestHandler,
} from "./handlers";
import {
  answerApprovalPage,
  createApprovalRequest,
  getApprovalRequest,
  listApprovalRequests,
  showApprovalPage,
  withdrawApprovalRequest,
} from "./routes";

// A malformed link token gets the same page as any other invalid link, and an answer the page does
// not offer a page saying so: never a problem document.
const invalidWhenMalformed = (result: { success: boolean; target?: string }, c: AppContext) => {
  if (result.success) return undefined;
  return (result.target === "form" ? unofferedAnswer(c) : invalidApprovalLink(c)) as never;
};

export const approvalRequestsRouter = createRouter()
  .openapi(createApprovalRequest, createApprovalRequestHandler)
  .openapi(listApprovalRequests, listApprovalRequestsHandler)
  .openapi(getApprovalRequest, getApprovalRequestHandler)
  .openapi(withdrawApprovalRequest, withdrawApprovalRequestHandler)
  .openapi(showApprovalPage, showApprovalPageHandler, invalidWhenMalformed)
  .openapi(answerApprovalPage, answerApprovalPageHandler, invalidWhenMalformed);
