-- The job queue's claim statement, exactly as JobQueue.claim sends it (pgbench substitutes :holder).
UPDATE jobs SET state = 'claimed', holder_id = :holder, claimed_at = now(), updated_at = now()
WHERE id = (
    SELECT id FROM jobs
    WHERE state = 'queued' AND NOT held AND service_code = ANY(ARRAY['BENCH-PRESSURE'])
    ORDER BY expedited DESC, due_on, enqueued_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, item_id, order_id, customer_id, service_code, state, expedited, due_on::text, enqueued_at, held, holder_id, claimed_at;
