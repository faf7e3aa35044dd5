import { createRouter } from "../../app/create-app";
import * as h from "./handlers";
import * as r from "./routes";

export const releasesRouter = createRouter()
  .openapi(r.createRelease, h.createReleaseHandler)
  .openapi(r.listReleases, h.listReleasesHandler)
  .openapi(r.getRelease, h.getReleaseHandler)
  .openapi(r.patchRelease, h.patchReleaseHandler)
  .openapi(r.putTeam, h.putTeamHandler)
  .openapi(r.putWindow, h.putWindowHandler)
  .openapi(r.getPlan, h.getPlanHandler)
  .openapi(r.postTransition, h.postTransitionHandler)
  .openapi(r.postDecision, h.postDecisionHandler)
  .openapi(r.postCancel, h.postCancelHandler)
  .openapi(r.postReattempt, h.postReattemptHandler)
  .openapi(r.postTestResult, h.postTestResultHandler)
  .openapi(r.listTestResults, h.listTestResultsHandler)
  .openapi(r.postDeploymentReport, h.postDeploymentReportHandler)
  .openapi(r.listDeploymentLog, h.listDeploymentLogHandler)
  .openapi(r.postRollbackStep, h.postRollbackStepHandler)
  .openapi(r.listEvents, h.listEventsHandler);
