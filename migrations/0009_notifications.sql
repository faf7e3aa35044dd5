CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"client_id" uuid,
	"name" text,
	"email" text,
	"role" text,
	"consent_basis" text DEFAULT 'none' NOT NULL,
	"consent_at" timestamp with time zone,
	"consent_method" text,
	"consent_evidence" text,
	"purpose" text DEFAULT 'Release communication for the agency''s client projects' NOT NULL,
	"unsubscribed_at" timestamp with time zone,
	"suppressed_at" timestamp with time zone,
	"suppression_reason" text,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "contacts_consent_basis_check" CHECK ("contacts"."consent_basis" in ('express', 'inferred', 'none'))
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid,
	"contact_id" uuid,
	"member_id" uuid,
	"event" text NOT NULL,
	"classification" text NOT NULL,
	"to_address" text,
	"subject" text NOT NULL,
	"body_text" text,
	"body_html" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"skip_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"provider_message_id" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"release_id" uuid NOT NULL,
	"contact_id" uuid,
	"member_id" uuid,
	"role" text NOT NULL,
	CONSTRAINT "release_recipients_one_party_check" CHECK (("release_recipients"."contact_id" is null) <> ("release_recipients"."member_id" is null))
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "release_notes_template" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_client_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "public"."clients"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_recipients" ADD CONSTRAINT "release_recipients_release_fk" FOREIGN KEY ("tenant_id","release_id") REFERENCES "public"."releases"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_recipients" ADD CONSTRAINT "release_recipients_contact_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_email_key" ON "contacts" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
CREATE INDEX "outbox_messages_due_idx" ON "outbox_messages" USING btree ("next_attempt_at") WHERE "outbox_messages"."status" in ('queued', 'failed');--> statement-breakpoint
CREATE INDEX "outbox_messages_release_idx" ON "outbox_messages" USING btree ("tenant_id","release_id");--> statement-breakpoint
CREATE INDEX "outbox_messages_created_idx" ON "outbox_messages" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "release_recipients_contact_key" ON "release_recipients" USING btree ("release_id","contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "release_recipients_member_key" ON "release_recipients" USING btree ("release_id","member_id");