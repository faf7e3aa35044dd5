ALTER TABLE "webhook_deliveries" ADD COLUMN "payload_sha256" text;--> statement-breakpoint
ALTER TABLE "deployment_log_entries" ADD COLUMN "reported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "test_results" ADD COLUMN "reported_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_payload_key" ON "webhook_deliveries" USING btree ("integration_id","payload_sha256");