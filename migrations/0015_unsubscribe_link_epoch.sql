ALTER TABLE "contacts" ADD COLUMN "link_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "link_epoch" integer DEFAULT 0 NOT NULL;