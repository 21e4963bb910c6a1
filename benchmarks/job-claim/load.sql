-- One batch of :batch queued jobs for the benchmark service; psql substitutes :batch and :offset.
-- A tenth are expedited, due dates spread over two months, enqueue times one millisecond apart.
INSERT INTO jobs (item_id, order_id, customer_id, service_code, expedited, due_on, enqueued_at)
SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'BENCH-PRESSURE', g % 10 = 0,
       (now() AT TIME ZONE 'UTC')::date + (g % 60), now() - make_interval(secs => (:offset + g) / 1000.0)
FROM generate_series(1, :batch) AS g;
