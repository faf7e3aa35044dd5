CREATE TABLE "integration_projects" (
	"tenant_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	CONSTRAINT "integration_projects_pkey" PRIMARY KEY("integration_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"name" text NOT NULL,
	"stage_map" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"previous_secret_ciphertext" text,
	"previous_secret_expires_at" timestamp with time zone,
	"created_by" uuid,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrations_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "integrations_provider_check" CHECK ("integrations"."provider" in ('github', 'gitlab', 'bitbucket', 'circleci', 'standard'))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"delivery_id" text NOT NULL,
	"event_type" text,
	"outcome" text NOT NULL,
	"reason" text,
	"release_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calendar_feed_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"client_id" uuid,
	"project_id" uuid,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text,
	"start_local" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"recurrence" jsonb,
	"next_starts_at" timestamp with time zone,
	"next_ends_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_windows_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "deployment_windows_kind_check" CHECK ("deployment_windows"."kind" in ('maintenance', 'business_hours', 'freeze')),
	CONSTRAINT "deployment_windows_duration_check" CHECK ("deployment_windows"."duration_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "window_occurrences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"window_id" uuid NOT NULL,
	"occurrence_key" text NOT NULL,
	"kind" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "holidays_enabled" boolean;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "window_source_id" uuid;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "holidays_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "integration_projects" ADD CONSTRAINT "integration_projects_integration_fk" FOREIGN KEY ("tenant_id","integration_id") REFERENCES "public"."integrations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_projects" ADD CONSTRAINT "integration_projects_project_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_integration_fk" FOREIGN KEY ("tenant_id","integration_id") REFERENCES "public"."integrations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feed_tokens" ADD CONSTRAINT "calendar_feed_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feed_tokens" ADD CONSTRAINT "calendar_feed_tokens_member_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_windows" ADD CONSTRAINT "deployment_windows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_windows" ADD CONSTRAINT "deployment_windows_client_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "public"."clients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_windows" ADD CONSTRAINT "deployment_windows_project_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "window_occurrences" ADD CONSTRAINT "window_occurrences_window_fk" FOREIGN KEY ("tenant_id","window_id") REFERENCES "public"."deployment_windows"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_delivery_key" ON "webhook_deliveries" USING btree ("integration_id","delivery_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_recent_idx" ON "webhook_deliveries" USING btree ("integration_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_idx" ON "webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feed_tokens_hash_key" ON "calendar_feed_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "deployment_windows_tenant_idx" ON "deployment_windows" USING btree ("tenant_id","client_id","project_id");--> statement-breakpoint
CREATE INDEX "deployment_windows_next_start_idx" ON "deployment_windows" USING btree ("next_starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "window_occurrences_key" ON "window_occurrences" USING btree ("window_id","occurrence_key");--> statement-breakpoint
CREATE INDEX "window_occurrences_open_idx" ON "window_occurrences" USING btree ("ends_at") WHERE "window_occurrences"."closed_at" is null;