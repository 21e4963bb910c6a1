-- The job queue's claim statement, exactly as JobQueue.claim sends it (pgbench substitutes :holder):
-- authorisation check, the SKIP LOCKED claim and the audit event, in one statement.
WITH claimed AS (
    UPDATE jobs SET state = 'claimed', holder_id = :holder, claimed_at = now(), updated_at = now()
    WHERE id = (
        SELECT id FROM jobs
        WHERE state = 'queued' AND NOT held
          AND service_code = ANY(ARRAY(
              SELECT unnest(authorized_services(:holder, 'perform'))
              INTERSECT SELECT unnest(coalesce(NULL::text[], authorized_services(:holder, 'perform')))))
        ORDER BY expedited DESC, due_on, enqueued_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id, item_id, order_id, customer_id, service_code, state, expedited, due_on::text, enqueued_at, held, holder_id, claimed_at
), audited AS (
    SELECT record_audit_event('staff', :holder, 'Bench Technician', 'job.claimed', 'job', id::text, NULL,
        jsonb_build_object('id', id, 'itemId', item_id, 'orderId', order_id, 'customerId', customer_id, 'serviceCode', service_code,
                           'state', state, 'priority', CASE WHEN expedited THEN 'expedited' ELSE 'standard' END, 'dueOn', due_on,
                           'enqueuedAt', to_char(enqueued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'held', held,
                           'holderId', holder_id, 'claimedAt', to_char(claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        'pgbench') AS event
    FROM claimed
)
SELECT id, item_id, order_id, customer_id, service_code, state, expedited, due_on::text, enqueued_at, held, holder_id, claimed_at
FROM claimed, audited;
