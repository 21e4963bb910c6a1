-- The register of a large lab: 1 000 000 instruments, 100 000 of them the customer :big's, the rest spread over 900
-- other customers; each last verified (passed) a year before its due date, due dates spread evenly from 365 days ago to
-- 730 days ahead (a third overdue, 30 days' worth due soon). psql substitutes :big (quoted).
INSERT INTO customers (code, name, address, currency, billing_email, discount_basis_points, tax_rate_basis_points, payment_terms_days)
SELECT 'LOAD-' || g, 'Load customer ' || g, 'Road ' || g, 'CNY', 'ap@load' || g || '.test', 0, 600, 30
FROM generate_series(1, 900) g;

CREATE TEMP TABLE load_owners AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM customers WHERE code LIKE 'LOAD-%';

INSERT INTO instruments (customer_id, manufacturer, model, serial_number, category, mandatory_verification_category, last_certificate_id,
                         last_certificate_number, last_service_code, last_service_on, last_result, next_due_on, registered_at, last_ordered_at)
SELECT CASE WHEN g <= 100000 THEN :big::uuid ELSE o.id END, 'Yichuan', 'Y-' || (g % 40), 'LOAD-' || g, 'Pressure gauge',
       CASE WHEN g % 3 = 0 THEN 'safety_protection' END, gen_random_uuid(), 'CERT-LOAD-' || g, 'BENCH-VER', d.due - 365, 'pass', d.due,
       now() - interval '2 years', now() - interval '1 year'
FROM generate_series(1, 1000000) g
JOIN load_owners o ON o.n = g % 900
CROSS JOIN LATERAL (SELECT current_date + ((g::bigint * 7919) % 1095)::int - 365 AS due) d;

-- Earlier passes of the sweep already announced what fell due before today; what is left to announce is queued, as
-- instrument_refresh() queues it: an overdue notice for every due date from yesterday on, a due-soon notice from 30 days
-- ahead on. Today's pass sends one day's worth of each.
INSERT INTO instrument_recall_notices (instrument_id, due_on, kind, customer_id)
SELECT id, next_due_on, 'overdue', customer_id FROM instruments WHERE next_due_on < current_date - 1;
INSERT INTO instrument_recall_notices (instrument_id, due_on, kind, customer_id)
SELECT id, next_due_on, 'due_soon', customer_id FROM instruments WHERE next_due_on BETWEEN current_date - 366 AND current_date + 29;
INSERT INTO instrument_recall_pending (instrument_id, kind, due_on, customer_id)
SELECT id, 'overdue', next_due_on, customer_id FROM instruments WHERE next_due_on >= current_date - 1;
INSERT INTO instrument_recall_pending (instrument_id, kind, due_on, customer_id)
SELECT id, 'due_soon', next_due_on, customer_id FROM instruments WHERE next_due_on >= current_date + 30;

VACUUM ANALYZE instruments;
VACUUM ANALYZE instrument_recall_notices;
VACUUM ANALYZE instrument_recall_pending;
VACUUM ANALYZE customers;
