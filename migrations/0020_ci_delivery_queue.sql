ALTER TABLE "webhook_deliveries" ADD COLUMN "pending_job" jsonb;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "queued_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("queued_at") WHERE "webhook_deliveries"."pending_job" is not null;