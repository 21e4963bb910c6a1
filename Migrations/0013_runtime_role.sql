-- Least privilege: the server runs as a member of `calibra_runtime`, a role that reads and writes rows but owns
-- nothing, so it can neither ALTER, DROP or TRUNCATE a table nor disable the triggers that keep records append-only.
-- Migrations run as the owner (LIMS_MIGRATION_DATABASE_URL); the login role of DATABASE_URL is made a member of
-- calibra_runtime by whoever sets up the deployment (the embedded cluster, docker/compose.yaml, the tests).
--
-- RULE FOR LATER MIGRATIONS: a table, sequence or function the owner creates from here on is granted to
-- calibra_runtime by the default privileges below (SELECT, INSERT, UPDATE, DELETE; USAGE; EXECUTE). A new
-- append-only or immutable table therefore needs its own line in its migration:
--     REVOKE UPDATE, DELETE ON new_table FROM calibra_runtime;
-- (add `GRANT UPDATE (id) ON new_table TO calibra_runtime` only if the code takes row locks on it with
-- SELECT … FOR UPDATE; the trigger still refuses every UPDATE). A function that must do DDL at run time is
-- SECURITY DEFINER with a fixed search_path, like next_sequential_number below.

-- Roles are cluster-wide and several databases of one cluster may migrate at once: create it only where missing.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calibra_runtime') THEN
        BEGIN
            CREATE ROLE calibra_runtime NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL; -- made by a concurrent migration
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role calibra_runtime is missing and % may not create it', current_user
                    USING HINT = 'Create it once as a superuser (CREATE ROLE calibra_runtime NOLOGIN), then migrate again.';
        END;
    END IF;
END;
$roles$;

-- Nobody but the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM calibra_runtime;
GRANT USAGE ON SCHEMA public TO calibra_runtime;

-- Rows: read and write everything (never TRUNCATE, REFERENCES or TRIGGER).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO calibra_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO calibra_runtime;
-- Functions: ours only (those of extensions such as btree_gist belong to whoever installed them).
DO $functions$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO calibra_runtime', f);
    END LOOP;
END;
$functions$;

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO calibra_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO calibra_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO calibra_runtime;

-- The migrator's own bookkeeping is read (by /ready), never written, at run time.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM calibra_runtime;

-- Append-only and immutable records (each guarded by a reject_change trigger): never updated or deleted.
REVOKE UPDATE, DELETE ON audit_events, customer_events, service_prices, custody_events, reviews,
    certificates, invoices, invoice_lines, credit_notes, invoice_payments FROM calibra_runtime;
-- Amendment and payment serialise on a row lock (SELECT … FOR UPDATE), which PostgreSQL grants only with UPDATE
-- on some column: the key column, which the immutability trigger refuses to change anyway.
GRANT UPDATE (id) ON certificates, invoices TO calibra_runtime;

-- Orders: the status moves on, but the number, customer and frozen quote never change (trigger orders_quote_frozen),
-- and an order is never deleted. UPDATE is granted on every other column that exists now.
REVOKE UPDATE, DELETE ON orders FROM calibra_runtime;
DO $orders$
DECLARE
    mutable text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO mutable
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'orders'
        AND column_name NOT IN ('id', 'seq', 'number', 'customer_id', 'currency', 'quote', 'submitted_at');
    EXECUTE format('GRANT UPDATE (%s) ON orders TO calibra_runtime', mutable);
END;
$orders$;

-- Per-year number sequences are made on first use: the function makes them with its owner's rights, so the
-- runtime role needs no CREATE on the schema.
ALTER FUNCTION next_sequential_number(text) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION next_sequential_number(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION next_sequential_number(text) TO calibra_runtime;
