CREATE TABLE "client_report_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"month" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "client_report_links" ADD CONSTRAINT "client_report_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_report_links" ADD CONSTRAINT "client_report_links_client_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "public"."clients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_report_links" ADD CONSTRAINT "client_report_links_member_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_report_links_client_idx" ON "client_report_links" USING btree ("tenant_id","client_id");--> statement-breakpoint
CREATE INDEX "deployment_log_entries_completed_idx" ON "deployment_log_entries" USING btree ("tenant_id","created_at") WHERE "deployment_log_entries"."kind" = 'deployment_completed';--> statement-breakpoint
CREATE INDEX "release_events_rollbacks_idx" ON "release_events" USING btree ("tenant_id","created_at") WHERE "release_events"."type" = 'rollback_started';--> statement-breakpoint
-- Row-level security for report share links (see 0001).
SELECT app_enable_tenant_isolation('client_report_links');
