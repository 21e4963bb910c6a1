-- Billing's reporting interface, extended: each invoice line's share of what its invoice invoiced, credited and was
-- paid, kept by Billing as those rows are written, so revenue by service reads one narrow table instead of sharing
-- every invoice of the window among its lines on each request (two window aggregates over every line: 0.9 s for a busy
-- year, 60 ms of CPU from this table; measured with benchmarks/reports, README).
--
-- The rule (RevenueReport states it too): an invoice's amount is shared among its lines in proportion to what each
-- line charged (price plus expedite surcharge) by cumulative rounding down: a line gets ⌊amount × (its weight and the
-- weights before it) ÷ all weights⌋ less the same for the lines before it, so the shares add up to the amount exactly.
-- invoiced: the invoice's total; credited: its total when a credit note cancels it, else 0; paid: its payments' sum.
--
-- Invoices, their lines, credit notes and payments are insert-only (0007's triggers), so a line's shares change only
-- when a line, a credit note or a payment of its invoice is inserted: a statement trigger on each of those tables
-- recomputes, in the writer's transaction, the shares of every invoice the statement touched, from the rows themselves.

-- One share of `amount`: products in bigint while they fit (amounts and weights under 3·10⁹ minor units), else numeric.
CREATE FUNCTION invoice_line_share(amount bigint, upto bigint, whole bigint, weight bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN whole = 0 THEN 0
                WHEN amount < 3000000000 AND whole < 3000000000 THEN amount * upto / whole - amount * (upto - weight) / whole
                ELSE (div(amount::numeric * upto, whole) - div(amount::numeric * (upto - weight), whole))::bigint END
$$;

-- The shares as the rows make them now. A condition on invoice_id reaches through the windows (it is their partition).
CREATE VIEW invoice_line_shares_now AS
    SELECT invoice_id, line_number, service_code, currency, issued_on,
           invoice_line_share(total_minor, upto, whole, weight) AS invoiced_minor,
           invoice_line_share(credited_minor, upto, whole, weight) AS credited_minor,
           invoice_line_share(paid_minor, upto, whole, weight) AS paid_minor
    FROM (
        SELECT l.invoice_id, l.line_number, l.service_code, i.currency::text AS currency, i.issued_on, i.total_minor,
               CASE WHEN EXISTS (SELECT FROM credit_notes n WHERE n.invoice_id = l.invoice_id) THEN i.total_minor ELSE 0 END AS credited_minor,
               coalesce((SELECT sum(p.amount_minor) FROM invoice_payments p WHERE p.invoice_id = l.invoice_id), 0)::bigint AS paid_minor,
               l.unit_price_minor + l.surcharge_minor AS weight,
               (sum(l.unit_price_minor + l.surcharge_minor) OVER (PARTITION BY l.invoice_id ORDER BY l.line_number))::bigint AS upto,
               (sum(l.unit_price_minor + l.surcharge_minor) OVER (PARTITION BY l.invoice_id))::bigint AS whole
        FROM invoice_lines l
        JOIN invoices i ON i.id = l.invoice_id
    ) lines;
REVOKE INSERT, UPDATE, DELETE ON invoice_line_shares_now FROM calibra_runtime;

CREATE TABLE invoice_line_shares (
    invoice_id     uuid NOT NULL,
    line_number    int NOT NULL,
    service_code   text NOT NULL,
    currency       text NOT NULL,
    issued_on      date NOT NULL,
    invoiced_minor bigint NOT NULL,
    credited_minor bigint NOT NULL,
    paid_minor     bigint NOT NULL,
    PRIMARY KEY (invoice_id, line_number),
    FOREIGN KEY (invoice_id, line_number) REFERENCES invoice_lines (invoice_id, line_number)
);
CREATE INDEX invoice_line_shares_issued_on ON invoice_line_shares (issued_on);
-- Only the function below writes it (as the owner): the server's role reads.
REVOKE INSERT, UPDATE, DELETE ON invoice_line_shares FROM calibra_runtime;

-- Recomputes the shares of the invoices `invoice_ids` (every invoice when NULL). The invoices are locked first (FOR NO KEY UPDATE,
-- which the foreign-key checks of the inserts do not wait for), so a payment and a credit note of one invoice recorded
-- at once take turns, and the second sees the first's row.
CREATE FUNCTION invoice_line_shares_refresh(invoice_ids uuid[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF invoice_ids IS NULL THEN
        LOCK TABLE invoice_line_shares IN EXCLUSIVE MODE;
        DELETE FROM invoice_line_shares;
        INSERT INTO invoice_line_shares SELECT * FROM invoice_line_shares_now;
    ELSE
        PERFORM 1 FROM invoices i WHERE i.id = ANY (invoice_ids) ORDER BY i.id FOR NO KEY UPDATE;
        DELETE FROM invoice_line_shares s WHERE s.invoice_id = ANY (invoice_ids);
        INSERT INTO invoice_line_shares SELECT * FROM invoice_line_shares_now s WHERE s.invoice_id = ANY (invoice_ids);
    END IF;
END;
$$;

CREATE FUNCTION invoice_line_shares_changed() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM invoice_line_shares_refresh(ARRAY(SELECT DISTINCT invoice_id FROM changed));
    RETURN NULL;
END;
$$;
CREATE TRIGGER invoice_lines_shares AFTER INSERT ON invoice_lines REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_line_shares_changed();
CREATE TRIGGER credit_notes_shares AFTER INSERT ON credit_notes REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_line_shares_changed();
CREATE TRIGGER invoice_payments_shares AFTER INSERT ON invoice_payments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_line_shares_changed();

SELECT invoice_line_shares_refresh(NULL);
ANALYZE invoice_line_shares;

-- What management reports read (read-only, like 0053's views).
CREATE VIEW report_revenue_shares AS
    SELECT invoice_id, line_number, service_code, currency, issued_on, invoiced_minor, credited_minor, paid_minor
    FROM invoice_line_shares;
REVOKE INSERT, UPDATE, DELETE ON report_revenue_shares FROM calibra_runtime;
