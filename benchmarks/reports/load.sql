-- A year of a busy lab for the management reports: 200 customers (every tenth billed in EUR), 20 technicians,
-- 50 000 orders of three items each (150 000 items, receipts and jobs), a certificate for every item signed by now
-- (about 148 000), 50 000 invoices (150 000 lines) less those not yet issued, payments on most, credit notes on 2 %,
-- and 200 reference standards with calibrations and 2 000 bookings.
--
-- Loaded as the owner with foreign-key triggers off (session_replication_role = replica): order items and the
-- instrument register they point to are not made, since no report reads them; every row the report views read is
-- shaped as the application writes it (a job queued at its item's receipt time, as the receipt's transaction does).
SET session_replication_role = replica;
BEGIN;
INSERT INTO customers (code, name, address, currency, billing_email, discount_basis_points, tax_rate_basis_points, payment_terms_days)
SELECT 'BC' || g, 'Bench customer ' || g, g || ' Factory Road', CASE WHEN g % 10 = 0 THEN 'EUR' ELSE 'CNY' END, 'ap' || g || '@bench.test', 0, 600, 30
FROM generate_series(1, 200) AS g;

INSERT INTO staff_users (email, name, roles, password_hash)
SELECT 'tech' || g || '@bench.test', 'Bench technician ' || g, ARRAY['technician'], 'x' FROM generate_series(1, 20) AS g;

CREATE TEMP TABLE bench_customers AS
SELECT row_number() OVER (ORDER BY seq) - 1 AS n, id, code, name, currency::text AS currency FROM customers WHERE code LIKE 'BC%';
CREATE TEMP TABLE bench_staff AS
SELECT row_number() OVER (ORDER BY seq) - 1 AS n, id FROM staff_users WHERE email LIKE 'tech%@bench.test';

-- Orders spread evenly over the last 365 days.
CREATE TEMP TABLE bench_orders AS
SELECT g AS n, gen_random_uuid() AS order_id, c.id AS customer_id, c.code, c.name, c.currency,
       now() - (g * interval '365 days' / 50000) AS submitted_at
FROM generate_series(1, 50000) AS g
JOIN bench_customers c ON c.n = g % 200;

INSERT INTO orders (id, number, customer_id, customer_reference, priority, status, currency, quote, submitted_at, decided_at)
SELECT order_id, 'BO-' || n, customer_id, 'PO-' || n, CASE WHEN n % 20 = 0 THEN 'expedited' ELSE 'standard' END, 'completed', currency, '{}',
       submitted_at, submitted_at
FROM bench_orders;

-- Three items each, received a day after the order; each item's turnaround is spread from 1 to 12 days.
CREATE TEMP TABLE bench_items AS
SELECT o.n * 3 + line AS k, o.n AS order_n, line, gen_random_uuid() AS item_id, gen_random_uuid() AS job_id, o.order_id, o.customer_id,
       'SVC-' || ((o.n * 3 + line) % 10) AS service_code, o.submitted_at + interval '1 day' AS received_at,
       ((o.submitted_at + interval '1 day') AT TIME ZONE 'UTC')::date + 7 AS due_on,
       o.submitted_at + interval '1 day' + (1 + ((o.n * 3 + line) * 7919 % 1100) / 100.0) * interval '1 day' AS signed_at
FROM bench_orders o CROSS JOIN generate_series(1, 3) AS line;

INSERT INTO item_receipts (item_id, number, condition, location, received_at)
SELECT item_id, 'BI-' || k, 'ok', 'Shelf ' || (k % 40), received_at FROM bench_items;

INSERT INTO jobs (id, item_id, order_id, customer_id, service_code, state, expedited, due_on, enqueued_at, holder_id, claimed_at)
SELECT i.job_id, i.item_id, i.order_id, i.customer_id, i.service_code,
       CASE WHEN i.signed_at <= now() THEN 'certified'
            ELSE (ARRAY['queued', 'claimed', 'in_review', 'awaiting_signature'])[1 + i.k % 4] END,
       false, i.due_on, i.received_at,
       CASE WHEN i.signed_at > now() AND i.k % 4 IN (1, 2) THEN s.id END,
       CASE WHEN i.signed_at > now() AND i.k % 4 IN (1, 2) THEN i.received_at + interval '2 hours' END
FROM bench_items i JOIN bench_staff s ON s.n = i.k % 20;

INSERT INTO certificates (number, base_number, revision, job_id, item_id, order_id, customer_id, document_kind, document, canonical, digest,
                          signature, html, plain_text, issued_at, issued_by)
SELECT 'BC-' || k, 'BC-' || k, 0, job_id, item_id, order_id, customer_id, 'calibration-certificate', '{}', '{}', md5(k::text), 'x',
       '<p>bench</p>', 'bench', signed_at, gen_random_uuid()
FROM bench_items WHERE signed_at <= now();

-- One invoice per order once its last item is signed: three lines of 350.00, 6 % tax, due in 30 days.
CREATE TEMP TABLE bench_invoices AS
SELECT o.n, gen_random_uuid() AS invoice_id, o.order_id, o.customer_id, o.code, o.name, o.currency,
       (max(i.signed_at) AT TIME ZONE 'UTC')::date AS issued_on
FROM bench_orders o JOIN bench_items i ON i.order_n = o.n
GROUP BY o.n, o.order_id, o.customer_id, o.code, o.name, o.currency
HAVING max(i.signed_at) <= now();

INSERT INTO invoices (id, number, order_id, order_number, customer_reference, customer_id, customer_code, customer_name, customer_address, currency,
                      issued_on, due_on, issued_at, discount_basis_points, tax_rate_basis_points, expedited, subtotal_minor, discount_minor,
                      surcharge_minor, tax_minor, total_minor)
SELECT invoice_id, 'BINV-' || n, order_id, 'BO-' || n, 'PO-' || n, customer_id, code, name, 'Factory Road', currency,
       issued_on, issued_on + 30, issued_on + time '18:00', 0, 600, false, 105000, 0, 0, 6300, 111300
FROM bench_invoices;

INSERT INTO invoice_lines (invoice_id, line_number, item_id, service_code, description, unit_price_minor, expedite_surcharge_basis_points, surcharge_minor)
SELECT v.invoice_id, i.line, i.item_id, i.service_code, 'Calibration', 35000, 0, 0
FROM bench_invoices v JOIN bench_items i ON i.order_n = v.n;

-- 2 % credited; of the rest, 85 % paid in full 20 days after issue (if that day has come), 5 % paid in part.
INSERT INTO credit_notes (number, invoice_id, reason, issued_on)
SELECT 'BCN-' || n, invoice_id, 'Bench', issued_on + 3 FROM bench_invoices WHERE n % 50 = 0 AND issued_on + 3 <= current_date;

INSERT INTO invoice_payments (invoice_id, amount_minor, currency, received_on, reference)
SELECT invoice_id, CASE WHEN n % 20 = 1 THEN 50000 ELSE 111300 END, currency, issued_on + 20, 'bank-' || n
FROM bench_invoices WHERE n % 50 <> 0 AND n % 100 < 90 AND issued_on + 20 <= current_date;

-- 200 reference standards, calibrated once or twice, the latest due anywhere from a month ago to eleven months ahead.
INSERT INTO equipment (asset_tag, name, manufacturer, model, serial_number, quantity, range, service_codes)
SELECT 'BREF-' || g, 'Bench standard ' || g, 'Fluke', '2700G', 'BS-' || g, 'pressure', '0 to 70 MPa', ARRAY['SVC-' || (g % 10)]
FROM generate_series(1, 200) AS g;
INSERT INTO equipment_calibrations (equipment_id, certificate_number, calibrated_by, calibrated_on, due_on, traceability)
SELECT e.id, 'NIM-' || e.seq || '-' || r, 'NIM', current_date - 365 * r - (e.seq % 30)::int, current_date - 30 + (e.seq * 7 % 365)::int - 365 * (r - 1), 'NIM'
FROM equipment e CROSS JOIN generate_series(1, 2) AS r WHERE e.asset_tag LIKE 'BREF-%';
INSERT INTO equipment_bookings (equipment_id, during)
SELECT e.id, tstzrange(date_trunc('hour', now()) + (b * 37 % 2000) * interval '1 hour', date_trunc('hour', now()) + (b * 37 % 2000 + 1) * interval '1 hour')
FROM equipment e CROSS JOIN generate_series(1, 10) AS b WHERE e.asset_tag LIKE 'BREF-%';
COMMIT;
RESET session_replication_role;
-- Triggers were off, so Billing's revenue shares (0058) are computed here, once, as its migration does for old rows
-- (where the schema has them: run.sh also measures builds from before 0058).
DO $$ BEGIN IF to_regproc('invoice_line_shares_refresh') IS NOT NULL THEN PERFORM invoice_line_shares_refresh(NULL); END IF; END $$;
-- A year-old database has been vacuumed: the visibility map lets the reports' index-only scans skip the heap.
VACUUM ANALYZE;
