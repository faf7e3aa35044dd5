DROP INDEX "outbox_messages_due_idx";--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "cancelled_by" uuid;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "auto_rollback_on_failure" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_messages_due_idx" ON "outbox_messages" USING btree ("next_attempt_at") WHERE "outbox_messages"."status" in ('queued', 'retrying');--> statement-breakpoint
-- A message waiting for another try was 'failed'; 'failed' now means the outbox gave up on it.
UPDATE "outbox_messages" SET "status" = 'retrying' WHERE "status" = 'failed';--> statement-breakpoint
UPDATE "outbox_messages" SET "status" = 'failed' WHERE "status" = 'skipped' AND "skip_reason" in ('gave_up_after_retries', 'rejected_by_provider');
