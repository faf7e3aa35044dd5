-- Row-level security for contacts, release recipients and the email outbox (see 0001).
SELECT app_enable_tenant_isolation('contacts');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('release_recipients');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('outbox_messages');
