import type { LifecycleCommand } from "../../domain/lifecycle";
import type { OperationContext } from "../operation-context";
import { applyLifecycleCommand } from "./lifecycle";
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
  | { name: "set_window"; input: WindowBooking };

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
  }
}
