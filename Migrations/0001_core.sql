-- The shared kernel: the append-only audit log, the customer event feed, and per-year numbering.

CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_kind  text NOT NULL CHECK (actor_kind IN ('staff', 'customer', 'system')),
    actor_id    uuid,
    actor_name  text,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, id);

-- Records that must never change once written: the database itself refuses.
CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

CREATE TABLE customer_events (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    customer_id uuid NOT NULL,
    type        text NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    subject_id  uuid NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX customer_events_feed ON customer_events (customer_id, seq);
CREATE TRIGGER customer_events_append_only BEFORE UPDATE OR DELETE ON customer_events
    FOR EACH ROW EXECUTE FUNCTION reject_change();

-- Gapless numbers (invoices, credit notes): one counter row per prefix and year, locked by the issuing transaction.
CREATE TABLE gapless_counters (
    prefix     text NOT NULL,
    year       int NOT NULL,
    last_value bigint NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- Sequential numbers (orders, items, certificates): one sequence per prefix and year, made on first use.
-- A sequence never blocks and never hands a value out twice; a rollback may leave a hole, which is allowed here.
CREATE FUNCTION next_sequential_number(p_prefix text, OUT year int, OUT value bigint) LANGUAGE plpgsql AS $$
DECLARE
    seq_name text;
BEGIN
    year := extract(year FROM now() AT TIME ZONE 'UTC')::int;
    seq_name := format('number_%s_%s', lower(regexp_replace(p_prefix, '[^A-Za-z0-9]', '', 'g')), year);
    BEGIN
        value := nextval(seq_name::regclass);
    EXCEPTION WHEN undefined_table THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq_name);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- another transaction made it at the same moment
        END;
        value := nextval(seq_name::regclass);
    END;
END;
$$;
