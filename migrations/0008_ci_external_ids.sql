ALTER TABLE "deployment_log_entries" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "test_results" ADD COLUMN "external_id" text;