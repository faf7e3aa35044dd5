-- Row-level security for deployment windows, CI integrations and their deliveries (see 0001).
SELECT app_enable_tenant_isolation('deployment_windows');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('window_occurrences');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('calendar_feed_tokens');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('integrations');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('integration_projects');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('webhook_deliveries');
