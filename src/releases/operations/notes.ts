import { ApiError } from "../../lib/problem";
import { queueForRelease } from "../../notifications/release-events";
import { type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertNotTerminal } from "./guards";
import { presentNotes } from "./views";

export interface NotesInput {
  markdown: string;
}

/**
 * Release notes may be drafted at any stage until the release is closed. Once
 * published they may still be corrected and stay published (the public page,
 * when it comes, shows the current text); every change is in the audit trail.
 */
export async function setNotes(ctx: OperationContext, input: NotesInput) {
  assertNotTerminal(ctx, "its release notes");
  await writeRelease(ctx, { notesMarkdown: input.markdown });
  await recordEvent(ctx, "release_notes_written", {
    characters: input.markdown.length,
    published: ctx.state.notes_published_at !== null,
  });
  return presentNotes({ markdown: input.markdown, publishedAt: ctx.state.notes_published_at });
}

/** Publishing is a closure step (the release_notes_published gate), so only during communication and closure. */
export async function publishNotes(ctx: OperationContext) {
  const { stage, status } = ctx.state;
  if (stage !== "communication_closure" || status !== "active") {
    throw new ApiError(
      "conflict",
      stage === "communication_closure" && status === "halted"
        ? "The release is halted; resume it before publishing its notes."
        : `Release notes are published during communication and closure, after the stable decision; the release is ${status} in ${stage}.`,
    );
  }
  if (ctx.state.notes_published_at !== null) {
    throw new ApiError(
      "conflict",
      `The release notes were already published at ${ctx.state.notes_published_at}; edit them with PUT if they need a correction.`,
    );
  }
  if (!ctx.state.notes_markdown?.trim()) {
    throw new ApiError(
      "conflict",
      "There are no release notes to publish; write them first (PUT /v1/releases/{id}/notes).",
    );
  }
  await writeRelease(ctx, { notesPublishedAt: ctx.now });
  await recordEvent(ctx, "release_notes_published", { characters: ctx.state.notes_markdown.length });
  // Same transaction: the notes are never public without their stakeholder notifications queued.
  const notifications = await queueForRelease(ctx, "notes_published");
  await recordEvent(ctx, "stakeholder_notifications_prepared", {
    event: "notes_published",
    ...notifications,
  });
  return presentNotes({ markdown: ctx.state.notes_markdown, publishedAt: ctx.now });
}
