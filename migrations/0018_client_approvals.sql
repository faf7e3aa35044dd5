CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"contact_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"message" text,
	"expires_at" timestamp with time zone NOT NULL,
	"decision" text,
	"decision_note" text,
	"decided_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_requests_kind_check" CHECK ("approval_requests"."kind" in ('sign_off', 'uat')),
	CONSTRAINT "approval_requests_status_check" CHECK ("approval_requests"."status" in ('pending', 'decided', 'withdrawn')),
	CONSTRAINT "approval_requests_decision_check" CHECK (("approval_requests"."status" <> 'decided' and "approval_requests"."decision" is null) or ("approval_requests"."status" = 'decided' and (
        ("approval_requests"."kind" = 'sign_off' and "approval_requests"."decision" in ('approved', 'changes_requested')) or
        ("approval_requests"."kind" = 'uat' and "approval_requests"."decision" in ('passed', 'failed')))))
);
--> statement-breakpoint
ALTER TABLE "sign_offs" ALTER COLUMN "signer_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "approval_request_id" uuid;--> statement-breakpoint
ALTER TABLE "sign_offs" ADD COLUMN "contact_id" uuid;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "client_sign_off_for_high_risk" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_contact_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_member_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_requests_release_idx" ON "approval_requests" USING btree ("tenant_id","release_id");--> statement-breakpoint
ALTER TABLE "sign_offs" ADD CONSTRAINT "sign_offs_one_signer_check" CHECK (("sign_offs"."signer_id" is null) <> ("sign_offs"."contact_id" is null));--> statement-breakpoint
-- Row-level security for approval requests (see 0001).
SELECT app_enable_tenant_isolation('approval_requests');
