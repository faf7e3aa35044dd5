CREATE TABLE "checklist_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"position" integer NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"stage" text NOT NULL,
	"category" text NOT NULL,
	"required" boolean NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"completed_by" uuid,
	"completed_at" timestamp with time zone,
	"evidence_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checklist_templates" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"items" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "corrective_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"description" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"owner_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_log_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"kind" text NOT NULL,
	"detail" text,
	"url" text,
	"rollback_position" integer,
	"rollback_outcome" text,
	"source" text NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "investigations" (
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"summary" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "investigations_pkey" PRIMARY KEY("release_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "issue_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"severity" text NOT NULL,
	"description" text NOT NULL,
	"link" text,
	"status" text DEFAULT 'open' NOT NULL,
	"raised_by" uuid,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "release_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"type" text NOT NULL,
	"actor" jsonb NOT NULL,
	"data" jsonb NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_team_members" (
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "release_team_members_pkey" PRIMARY KEY("release_id","member_id","role")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"version" text NOT NULL,
	"title" text NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"change_log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"risk" text NOT NULL,
	"git_ref" text,
	"commit_sha" text,
	"compliance" jsonb NOT NULL,
	"stage" text DEFAULT 'planning' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"row_version" integer DEFAULT 1 NOT NULL,
	"window_starts_at" timestamp with time zone,
	"window_ends_at" timestamp with time zone,
	"window_confirmed" boolean DEFAULT false NOT NULL,
	"window_policy_ok" boolean DEFAULT false NOT NULL,
	"window_policy_detail" text,
	"window_override_reason" text,
	"test_plan" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rollback_procedure" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"monitoring_dashboards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"monitoring_confirmed_by" uuid,
	"monitoring_confirmed_at" timestamp with time zone,
	"notes_markdown" text,
	"notes_published_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "releases_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "releases_risk_check" CHECK ("releases"."risk" in ('low', 'high'))
);
--> statement-breakpoint
CREATE TABLE "sign_offs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"signer_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "test_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"stage" text NOT NULL,
	"suite" text NOT NULL,
	"status" text NOT NULL,
	"url" text,
	"source" text NOT NULL,
	"reported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "second_approver_for_high_risk" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_templates" ADD CONSTRAINT "checklist_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_log_entries" ADD CONSTRAINT "deployment_log_entries_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reports" ADD CONSTRAINT "issue_reports_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_events" ADD CONSTRAINT "release_events_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_team_members" ADD CONSTRAINT "release_team_members_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_team_members" ADD CONSTRAINT "release_team_members_member_fk" FOREIGN KEY ("tenant_id","member_id") REFERENCES "public"."members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_project_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_offs" ADD CONSTRAINT "sign_offs_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_results" ADD CONSTRAINT "test_results_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_items_release_key" ON "checklist_items" USING btree ("release_id","attempt","key");--> statement-breakpoint
CREATE INDEX "corrective_actions_release_idx" ON "corrective_actions" USING btree ("release_id","attempt");--> statement-breakpoint
CREATE INDEX "deployment_log_entries_release_idx" ON "deployment_log_entries" USING btree ("release_id","attempt");--> statement-breakpoint
CREATE INDEX "issue_reports_release_idx" ON "issue_reports" USING btree ("release_id","attempt");--> statement-breakpoint
CREATE INDEX "release_events_release_idx" ON "release_events" USING btree ("tenant_id","release_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_project_version_key" ON "releases" USING btree ("tenant_id","project_id","version");--> statement-breakpoint
CREATE INDEX "releases_tenant_stage_idx" ON "releases" USING btree ("tenant_id","stage","status");--> statement-breakpoint
CREATE INDEX "releases_project_commit_idx" ON "releases" USING btree ("project_id","commit_sha");--> statement-breakpoint
CREATE INDEX "sign_offs_release_idx" ON "sign_offs" USING btree ("release_id","attempt");--> statement-breakpoint
CREATE INDEX "test_results_release_idx" ON "test_results" USING btree ("release_id","attempt");