-- Billing's reporting interface (read-only views for management reports): invoices as issued, their lines with what
-- each line charged before discount and tax, payments, and credit notes (each cancels its invoice in full).
CREATE VIEW report_invoices AS
    SELECT id AS invoice_id, number, order_id, customer_id, customer_code, customer_name, currency::text AS currency, issued_on, due_on, total_minor
    FROM invoices;

CREATE VIEW report_invoice_lines AS
    SELECT invoice_id, line_number, service_code, unit_price_minor + surcharge_minor AS amount_minor
    FROM invoice_lines;

CREATE VIEW report_payments AS
    SELECT invoice_id, amount_minor, currency::text AS currency, received_on
    FROM invoice_payments;

CREATE VIEW report_credit_notes AS
    SELECT invoice_id, issued_on
    FROM credit_notes;

REVOKE INSERT, UPDATE, DELETE ON report_invoices, report_invoice_lines, report_payments, report_credit_notes FROM calibra_runtime;
