import { createRouter } from "../../app/create-app";
import * as h from "./handlers";
import * as r from "./routes";

/** A release's facts: checklist, test plan, rollback procedure, monitoring, issues, sign-offs, investigation, notes. */
export const releaseFactsRouter = createRouter()
  .openapi(r.getChecklist, h.getChecklistHandler)
  .openapi(r.patchChecklist, h.patchChecklistHandler)
  .openapi(r.patchChecklistItem, h.patchChecklistItemHandler)
  .openapi(r.putTestPlan, h.putTestPlanHandler)
  .openapi(r.putRollbackProcedure, h.putRollbackProcedureHandler)
  .openapi(r.getMonitoring, h.getMonitoringHandler)
  .openapi(r.putMonitoringDashboards, h.putMonitoringDashboardsHandler)
  .openapi(r.postMonitoringConfirmation, h.postMonitoringConfirmationHandler)
  .openapi(r.listIssues, h.listIssuesHandler)
  .openapi(r.postIssue, h.postIssueHandler)
  .openapi(r.patchIssue, h.patchIssueHandler)
  .openapi(r.listSignOffs, h.listSignOffsHandler)
  .openapi(r.postSignOff, h.postSignOffHandler)
  .openapi(r.getInvestigation, h.getInvestigationHandler)
  .openapi(r.patchInvestigation, h.patchInvestigationHandler)
  .openapi(r.postCorrectiveAction, h.postCorrectiveActionHandler)
  .openapi(r.patchCorrectiveAction, h.patchCorrectiveActionHandler)
  .openapi(r.getNotes, h.getNotesHandler)
  .openapi(r.putNotes, h.putNotesHandler)
  .openapi(r.postPublishNotes, h.postPublishNotesHandler);
