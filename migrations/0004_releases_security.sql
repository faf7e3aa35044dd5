-- Row-level security for the release tables (see 0001 for the model).
SELECT app_enable_tenant_isolation('releases');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('release_team_members');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('checklist_items');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('test_results');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('deployment_log_entries');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('issue_reports');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('sign_offs');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('investigations');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('corrective_actions');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('release_events');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('checklist_templates');
--> statement-breakpoint
-- The audit trail is append-only for the application: no UPDATE or DELETE
-- privilege, and a trigger that refuses them for every role, so not even a
-- bug running as the owner can rewrite history. (Erasing a person never
-- needs it: events hold member ids only, never names or emails.)
REVOKE UPDATE, DELETE, TRUNCATE ON release_events FROM app_user, app_system;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_refuse_audit_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'release_events is append-only: % refused', TG_OP USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS release_events_append_only ON release_events;
--> statement-breakpoint
CREATE TRIGGER release_events_append_only
  BEFORE UPDATE OR DELETE ON release_events
  FOR EACH ROW EXECUTE FUNCTION app_refuse_audit_change();
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO app_user, app_system;
