-- 100 000 signed certificates over three years, each with its measurements; every tenth measurement cites the suspect
-- standard (:'suspect'), the others one of 50 other standards; 1 % of the certificates were amended once (a second
-- revision superseding the first). Loaded as the owner; the rows are shaped as the application writes them.
BEGIN;
CREATE TEMP TABLE bench_jobs AS
SELECT g AS n, gen_random_uuid() AS job_id, gen_random_uuid() AS item_id, gen_random_uuid() AS order_id, gen_random_uuid() AS customer_id,
       current_date - (g % 1095) AS measured_on
FROM generate_series(1, 100000) AS g;

INSERT INTO measurements (job_id, item_id, performer_id, measured_on, equipment_ids, environment, points, submitted_at)
SELECT job_id, item_id, gen_random_uuid(), measured_on,
       CASE WHEN n % 10 = 0 THEN ARRAY[:'suspect'::uuid, ('00000000-0000-4000-8000-' || lpad((n % 50)::text, 12, '0'))::uuid]
            ELSE ARRAY[('00000000-0000-4000-8000-' || lpad((n % 50)::text, 12, '0'))::uuid] END,
       '{"temperatureC": "20.1", "relativeHumidityPct": "45"}', '[]', now()
FROM bench_jobs;

INSERT INTO certificates (number, base_number, revision, job_id, item_id, order_id, customer_id, document_kind, document, canonical, digest,
                          signature, html, plain_text, issued_at, issued_by)
SELECT 'BENCH-' || n, 'BENCH-' || n, 0, job_id, item_id, order_id, customer_id, 'calibration-certificate', '{}', '{}', md5(n::text), 'x',
       '<p>bench</p>', 'bench', measured_on + time '12:00', gen_random_uuid()
FROM bench_jobs;

INSERT INTO certificates (number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                          canonical, digest, signature, html, plain_text, issued_at, issued_by)
SELECT 'BENCH-' || b.n || '-R1', 'BENCH-' || b.n, 1, c.id, b.job_id, b.item_id, b.order_id, b.customer_id, 'calibration-certificate', '{}', '{}',
       md5(b.n::text || 'r1'), 'x', '<p>bench</p>', 'bench', b.measured_on + time '13:00', gen_random_uuid()
FROM bench_jobs b JOIN certificates c ON c.job_id = b.job_id
WHERE b.n % 100 = 0;
COMMIT;
ANALYZE measurements;
ANALYZE certificates;
