import type { LifecycleCommand } from "../../domain/lifecycle";
import type { OperationContext } from "../operation-context";
import {
  type ApprovalAnswer,
  type ApprovalRequestInput,
  answerApprovalRequest,
  requestApproval,
  withdrawApprovalRequest,
} from "./approvals";
import {
  type ChecklistBulkUpdate,
  type ChecklistItemUpdate,
  updateChecklist,
  updateChecklistItem,
} from "./checklist";
import {
  confirmMonitoring,
  type DashboardsInput,
  type IssueReportInput,
  type IssueUpdateInput,
  type MonitoringConfirmationInput,
  type RollbackProcedureInput,
  reportIssue,
  type SignOffInput,
  setMonitoringDashboards,
  setRollbackProcedure,
  setTestPlan,
  signOff,
  type TestPlanInput,
  updateIssue,
} from "./facts";
import {
  addCorrectiveAction,
  type CorrectiveActionInput,
  type CorrectiveActionUpdate,
  type InvestigationUpdate,
  updateCorrectiveAction,
  updateInvestigation,
} from "./investigation";
import { applyLifecycleCommand } from "./lifecycle";
import { type CancelMessagesInput, cancelMessages } from "./messages";
import { type NotesInput, publishNotes, setNotes } from "./notes";
import { type RecipientsInput, setRecipients } from "./recipients";
import {
  patchRelease,
  type ReleasePatch,
  setTeam,
  setWindow,
  type TeamAssignment,
  type WindowBooking,
} from "./release-details";

/**
 * Every change a release's Durable Object can apply, as plain data that
 * crosses RPC. Each runs inside the command's tenant transaction with the
 * release row locked and its version checked on write.
 */
export type ReleaseOperation =
  | { name: "lifecycle"; input: LifecycleCommand }
  | { name: "patch"; input: ReleasePatch }
  | { name: "set_team"; input: TeamAssignment }
  | { name: "set_window"; input: WindowBooking }
  | { name: "update_checklist_item"; input: ChecklistItemUpdate }
  | { name: "update_checklist"; input: ChecklistBulkUpdate }
  | { name: "set_test_plan"; input: TestPlanInput }
  | { name: "set_rollback_procedure"; input: RollbackProcedureInput }
  | { name: "set_monitoring_dashboards"; input: DashboardsInput }
  | { name: "confirm_monitoring"; input: MonitoringConfirmationInput }
  | { name: "report_issue"; input: IssueReportInput }
  | { name: "update_issue"; input: IssueUpdateInput }
  | { name: "sign_off"; input: SignOffInput }
  | { name: "update_investigation"; input: InvestigationUpdate }
  | { name: "add_corrective_action"; input: CorrectiveActionInput }
  | { name: "update_corrective_action"; input: CorrectiveActionUpdate }
  | { name: "set_notes"; input: NotesInput }
  | { name: "publish_notes"; input: Record<string, never> }
  | { name: "set_recipients"; input: RecipientsInput }
  | { name: "cancel_messages"; input: CancelMessagesInput }
  | { name: "request_approval"; input: ApprovalRequestInput }
  | { name: "withdraw_approval_request"; input: { approval_request_id: string } }
  | { name: "answer_approval_request"; input: ApprovalAnswer };

export async function runOperation(ctx: OperationContext, operation: ReleaseOperation): Promise<unknown> {
  switch (operation.name) {
    case "lifecycle":
      return applyLifecycleCommand(ctx, operation.input);
    case "patch":
      return patchRelease(ctx, operation.input);
    case "set_team":
      return setTeam(ctx, operation.input);
    case "set_window":
      return setWindow(ctx, operation.input);
    case "update_checklist_item":
      return updateChecklistItem(ctx, operation.input);
    case "update_checklist":
      return updateChecklist(ctx, operation.input);
    case "set_test_plan":
      return setTestPlan(ctx, operation.input);
    case "set_rollback_procedure":
      return setRollbackProcedure(ctx, operation.input);
    case "set_monitoring_dashboards":
      return setMonitoringDashboards(ctx, operation.input);
    case "confirm_monitoring":
      return confirmMonitoring(ctx, operation.input);
    case "report_issue":
      return reportIssue(ctx, operation.input);
    case "update_issue":
      return updateIssue(ctx, operation.input);
    case "sign_off":
      return signOff(ctx, operation.input);
    case "update_investigation":
      return updateInvestigation(ctx, operation.input);
    case "add_corrective_action":
      return addCorrectiveAction(ctx, operation.input);
    case "update_corrective_action":
      return updateCorrectiveAction(ctx, operation.input);
    case "set_notes":
      return setNotes(ctx, operation.input);
    case "publish_notes":
      return publishNotes(ctx);
    case "set_recipients":
      return setRecipients(ctx, operation.input);
    case "cancel_messages":
      return cancelMessages(ctx, operation.input);
    case "request_approval":
      return requestApproval(ctx, operation.input);
    case "withdraw_approval_request":
      return withdrawApprovalRequest(ctx, operation.input);
    case "answer_approval_request":
      return answerApprovalRequest(ctx, operation.input);
  }
}
