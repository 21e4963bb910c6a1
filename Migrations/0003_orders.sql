-- The service catalogue with price history, orders with their frozen quotes, order items, idempotency keys.

CREATE TABLE services (
    code                            text PRIMARY KEY,
    seq                             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    title                           text NOT NULL,
    kind                            text NOT NULL CHECK (kind IN ('calibration', 'verification')),
    instrument_category             text NOT NULL,
    quantity                        text NOT NULL,
    unit                            text NOT NULL,
    range                           text NOT NULL,
    method                          text NOT NULL,
    accredited                      boolean NOT NULL,
    turnaround_days                 int NOT NULL CHECK (turnaround_days BETWEEN 1 AND 365),
    expedite_surcharge_basis_points int NOT NULL CHECK (expedite_surcharge_basis_points BETWEEN 0 AND 100000),
    mpe                             text,
    decision_rule                   text NOT NULL DEFAULT 'simple' CHECK (decision_rule IN ('simple', 'guarded')),
    verification_period_months      int CHECK (verification_period_months BETWEEN 1 AND 120),
    created_at                      timestamptz NOT NULL DEFAULT now()
);

-- Every price a service ever had; the current one is the latest. Orders copy theirs at quote time.
CREATE TABLE service_prices (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_code  text NOT NULL REFERENCES services (code),
    amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
    currency      char(3) NOT NULL,
    valid_from    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX service_prices_current ON service_prices (service_code, id DESC);
CREATE TRIGGER service_prices_append_only BEFORE UPDATE OR DELETE ON service_prices
    FOR EACH ROW EXECUTE FUNCTION reject_change();

CREATE TABLE orders (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number              text NOT NULL UNIQUE,
    customer_id         uuid NOT NULL,
    customer_reference  text NOT NULL,
    priority            text NOT NULL CHECK (priority IN ('standard', 'expedited')),
    return_address      text,
    status              text NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'cancelled', 'in_progress', 'completed')),
    currency            char(3) NOT NULL,
    quote               jsonb NOT NULL,
    rejection_reason    text,
    submitted_at        timestamptz NOT NULL DEFAULT now(),
    decided_at          timestamptz,
    completed_at        timestamptz
);
CREATE INDEX orders_customer ON orders (customer_id, seq);
CREATE INDEX orders_status ON orders (status, seq);

-- The quote is frozen at submission: whatever the catalogue does later, an order keeps its prices.
CREATE FUNCTION orders_freeze_quote() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.quote IS DISTINCT FROM OLD.quote OR NEW.currency IS DISTINCT FROM OLD.currency
       OR NEW.number IS DISTINCT FROM OLD.number OR NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
        RAISE EXCEPTION 'an order''s number, customer and quote never change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER orders_quote_frozen BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_freeze_quote();

CREATE TABLE order_items (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id          uuid NOT NULL REFERENCES orders (id),
    line_number       int NOT NULL,
    service_code      text NOT NULL REFERENCES services (code),
    manufacturer      text NOT NULL,
    model             text NOT NULL,
    serial_number     text NOT NULL,
    asset_tag         text,
    description       text,
    notes             text,
    unit_price_minor  bigint NOT NULL,
    status            text NOT NULL DEFAULT 'awaiting_receipt'
                      CHECK (status IN ('awaiting_receipt', 'received', 'in_test', 'certified', 'returned', 'on_hold', 'rejected')),
    UNIQUE (order_id, line_number)
);
CREATE INDEX order_items_serial ON order_items (serial_number);

-- Idempotency-Key per customer: the first request to insert the key does the work; a concurrent twin
-- waits on the unique key, then finds the stored response and replays it.
CREATE TABLE idempotency_keys (
    customer_id    uuid NOT NULL,
    key            text NOT NULL,
    request_hash   text NOT NULL,
    status_code    int,
    response_body  bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, key)
);
