import type { Role } from "../../lib/auth/tokens";
import { ApiError } from "../../lib/problem";
import type { OperationContext } from "../operation-context";

/** Closed and cancelled releases are records: nothing about them changes any more. */
export function assertNotTerminal(ctx: OperationContext, what: string): void {
  const { status } = ctx.state;
  if (status === "closed" || status === "cancelled") {
    throw new ApiError("conflict", `The release is ${status}; ${what} can no longer change.`);
  }
}

/** The member behind the command; these operations are only ever sent by members. */
export function requireMember(ctx: OperationContext): { memberId: string; role: Role } {
  if (ctx.actor.kind !== "member") {
    throw new ApiError("forbidden", "Only a member of the agency can record this.");
  }
  return { memberId: ctx.actor.member_id, role: ctx.actor.role };
}

/** A fact of an earlier attempt is history: it belongs to the release but no longer changes. */
export function assertCurrentAttempt(ctx: OperationContext, attempt: number, what: string): void {
  if (attempt !== ctx.state.attempt) {
    throw new ApiError(
      "conflict",
      `${what} belongs to attempt ${attempt}, which is over; the release is on attempt ${ctx.state.attempt}.`,
    );
  }
}
