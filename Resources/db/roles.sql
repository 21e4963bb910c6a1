-- Calibra's database roles, made by a superuser connected to Calibra's database. Idempotent: the embedded cluster
-- (`lims db start`) runs it at every start, docker/compose.yaml's db-roles service at every `up`.
--   calibra_owner    LOGIN: owns the database, the public schema and every object in it; runs migrations
--                    (LIMS_MIGRATION_DATABASE_URL).
--   calibra_runtime  NOLOGIN group: reads and writes rows, owns nothing (its grants are in Migrations/0013).
--   calibra_app      LOGIN, member of calibra_runtime: serves (DATABASE_URL).
-- Passwords are not set here (the embedded cluster trusts its private Unix socket; compose sets them after this).
-- A database made by an earlier version, where the superuser owned everything, is handed over to calibra_owner.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calibra_owner') THEN
        CREATE ROLE calibra_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calibra_runtime') THEN
        CREATE ROLE calibra_runtime NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calibra_app') THEN
        CREATE ROLE calibra_app LOGIN;
    END IF;
END;
$roles$;

DO $members$
BEGIN
    IF NOT pg_has_role('calibra_app', 'calibra_runtime', 'MEMBER') THEN
        GRANT calibra_runtime TO calibra_app;
    END IF;
END;
$members$;

DO $ownership$
DECLARE
    target record;
BEGIN
    IF (SELECT datdba FROM pg_database WHERE datname = current_database()) <> 'calibra_owner'::regrole THEN
        EXECUTE format('ALTER DATABASE %I OWNER TO calibra_owner', current_database());
    END IF;
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public') <> 'calibra_owner'::regrole THEN
        ALTER SCHEMA public OWNER TO calibra_owner;
    END IF;
    -- Tables, views and free-standing sequences and types (a column's sequence follows its table; extensions keep theirs).
    FOR target IN
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'c' THEN 'TYPE'
                   ELSE 'TABLE' END AS kind,
               c.oid::regclass::text AS name
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c')
            AND c.relowner <> 'calibra_owner'::regrole
            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO calibra_owner', target.kind, target.name);
    END LOOP;
    FOR target IN
        SELECT p.oid::regprocedure::text AS name
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'calibra_owner'::regrole
            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO calibra_owner', target.name);
    END LOOP;
    FOR target IN
        SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind, t.oid::regtype::text AS name
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd') AND t.typowner <> 'calibra_owner'::regrole
            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO calibra_owner', target.kind, target.name);
    END LOOP;
END;
$ownership$;
