-- Billing: invoices issued from frozen quotes, their lines, credit notes, and payments.
-- An invoice, its lines and its credit note are documents: once issued the database refuses to change or
-- delete them. What changes over an invoice's life (what was paid, whether it is overdue or credited) is
-- never stored on it: payments are appended to their own table and the status is derived when read.

CREATE TABLE invoices (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number                 text NOT NULL UNIQUE,
    order_id               uuid NOT NULL UNIQUE REFERENCES orders (id),
    order_number           text NOT NULL,
    customer_reference     text NOT NULL,
    customer_id            uuid NOT NULL REFERENCES customers (id),
    -- The customer as billed, copied at issue: a later change of name or address does not rewrite the invoice.
    customer_code          text NOT NULL,
    customer_name          text NOT NULL,
    customer_address       text NOT NULL,
    customer_tax_id        text,
    currency               char(3) NOT NULL,
    issued_on              date NOT NULL,
    due_on                 date NOT NULL CHECK (due_on >= issued_on),
    issued_at              timestamptz NOT NULL DEFAULT now(),
    discount_basis_points  int NOT NULL,
    tax_rate_basis_points  int NOT NULL,
    expedited              boolean NOT NULL,
    subtotal_minor         bigint NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor         bigint NOT NULL CHECK (discount_minor >= 0),
    surcharge_minor        bigint NOT NULL CHECK (surcharge_minor >= 0),
    tax_minor              bigint NOT NULL CHECK (tax_minor >= 0),
    total_minor            bigint NOT NULL CHECK (total_minor = subtotal_minor - discount_minor + surcharge_minor + tax_minor)
);
CREATE INDEX invoices_customer ON invoices (customer_id, seq);
CREATE INDEX invoices_issued_on ON invoices (issued_on);

CREATE TABLE invoice_lines (
    invoice_id                      uuid NOT NULL REFERENCES invoices (id),
    line_number                     int NOT NULL,
    item_id                         uuid NOT NULL REFERENCES order_items (id),
    service_code                    text NOT NULL,
    description                     text NOT NULL,
    unit_price_minor                bigint NOT NULL CHECK (unit_price_minor >= 0),
    expedite_surcharge_basis_points int NOT NULL,
    surcharge_minor                 bigint NOT NULL CHECK (surcharge_minor >= 0),
    PRIMARY KEY (invoice_id, line_number),
    UNIQUE (item_id)
);

-- A credit note cancels its invoice in full; its amounts are the invoice's, negated, so none are stored twice.
CREATE TABLE credit_notes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number      text NOT NULL UNIQUE,
    invoice_id  uuid NOT NULL UNIQUE REFERENCES invoices (id),
    reason      text NOT NULL,
    issued_on   date NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_notes_issued_on ON credit_notes (issued_on);

-- Payments received against an invoice: append-only; the paid amount and balance are their sum.
CREATE TABLE invoice_payments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    invoice_id    uuid NOT NULL REFERENCES invoices (id),
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      char(3) NOT NULL,
    received_on   date NOT NULL,
    reference     text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    recorded_by   uuid
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id, seq);

CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER credit_notes_immutable BEFORE UPDATE OR DELETE ON credit_notes FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER credit_notes_no_truncate BEFORE TRUNCATE ON credit_notes FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER invoice_payments_append_only BEFORE UPDATE OR DELETE ON invoice_payments FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER invoice_payments_no_truncate BEFORE TRUNCATE ON invoice_payments FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
