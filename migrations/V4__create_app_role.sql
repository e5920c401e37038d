-- The application's own login role, with only the rights it needs. Its password is not in this file, nor in any
-- SQL the database sees: Flyway fills ${app_password_scram} with a SCRAM-SHA-256 verifier of the application user's
-- secret (PLACEHOLDER_SECRET_APP_PASSWORD), so a failing statement logged by PostgreSQL shows no password.
-- Roles are cluster-wide, so the role is named after the database and created only once.
DO $$
DECLARE
    role_name text := current_database() || '_app';
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
        EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', role_name, '${app_password_scram}');
    ELSE
        EXECUTE format('CREATE ROLE %I WITH LOGIN PASSWORD %L', role_name, '${app_password_scram}');
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', role_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON customers, orders TO %I', role_name);
    EXECUTE format('GRANT SELECT ON order_statuses TO %I', role_name);
END
$$;
