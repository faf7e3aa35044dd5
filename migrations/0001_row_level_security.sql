-- Tenancy's second wall. The application scopes every query by tenant; these
-- policies make Postgres refuse anything it forgets.
--
-- Requests run as `app_user` (a non-owner role without BYPASSRLS) inside a
-- transaction that starts with
--   select set_config('role', 'app_user', true), set_config('app.tenant_id', $1, true)
-- so both settings end with the transaction. Cross-tenant work (creating a
-- tenant, the cron, the public webhook receiver) runs as `app_system`, whose
-- own policies admit every row. FORCE makes the table owner obey them too.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_system') THEN
    CREATE ROLE app_system NOLOGIN NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
-- On Neon the migrating role is not a superuser: it may only switch to roles it is a member of.
GRANT app_user TO CURRENT_USER;
--> statement-breakpoint
GRANT app_system TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_user, app_system;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_current_tenant() TO app_user, app_system;
--> statement-breakpoint
-- Applies grants and policies to one tenant-owned table; later migrations call
-- it for every table they add, so no table is created without its wall.
CREATE OR REPLACE FUNCTION app_enable_tenant_isolation(target regclass, tenant_column text DEFAULT 'tenant_id')
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO app_user, app_system', target);
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s TO app_user USING (%I = app_current_tenant()) WITH CHECK (%I = app_current_tenant())',
    target, tenant_column, tenant_column);
  EXECUTE format('DROP POLICY IF EXISTS system_access ON %s', target);
  EXECUTE format('CREATE POLICY system_access ON %s TO app_system USING (true) WITH CHECK (true)', target);
END
$$;
--> statement-breakpoint
SELECT app_enable_tenant_isolation('tenants', 'id');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('members');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('api_tokens');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('clients');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('projects');
--> statement-breakpoint
SELECT app_enable_tenant_isolation('idempotency_keys');
